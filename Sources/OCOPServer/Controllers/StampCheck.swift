import Foundation
import OCOPDomain
import OCOPStorage

/// What one scan of a stamp found: the code, and for a genuine one the product, its producer and
/// the verdict of the day. Answered as JSON to apps and as a page to browsers.
struct StampCheck {
    let code: String
    /// nil when the code was never issued (or is not a code at all).
    let scan: StampScan?
    let product: Product?
    let producer: Producer?
    let day: CalendarDate
    let verdict: StampVerdict?

    init(code: String, scan: StampScan?, product: Product?, producer: Producer?, snapshot: CatalogSnapshot) {
        self.code = code
        self.scan = scan
        self.product = product
        self.producer = producer
        day = snapshot.day
        verdict = scan.map { scan in
            StampVerdict(
                certificates: product?.certificates ?? [], totalScans: scan.totalScans,
                provinces: scan.provinces.count, on: snapshot.day)
        }
    }

    func json() -> [UInt8] {
        var json = JSONWriter(capacity: 1024)
        json.beginObject()
        json.key("code")
        json.string(code)
        guard let scan, let verdict else {
            json.key("genuine")
            json.bool(false)
            json.key("verdict")
            json.string("not_genuine")
            json.endObject()
            return json.bytes
        }
        let (current, latest) = (verdict.current, verdict.shown)
        json.key("genuine")
        json.bool(true)
        json.key("verdict")
        json.string(verdict.status.rawValue)
        json.key("valid_ocop_today")
        json.bool(verdict.isValidToday)
        json.key("possibly_copied")
        json.bool(verdict.possiblyCopied)
        json.key("scans")
        json.int(scan.totalScans)
        json.key("batch")
        json.string(scan.batch)
        json.key("product")
        json.beginObject()
        json.key("slug")
        json.string(scan.product)
        json.key("name")
        json.string(product?.name.vi)
        json.key("stars")
        if let current { json.int(current.stars.value) } else { json.null() }
        json.endObject()
        json.key("producer")
        if let producer {
            json.beginObject()
            json.key("slug")
            json.string(producer.slug)
            json.key("name")
            json.string(producer.name)
            json.endObject()
        } else {
            json.null()
        }
        json.key("certificate")
        if let latest {
            json.beginObject()
            json.key("number")
            json.string(latest.number)
            json.key("expires_on")
            json.string(latest.expiresOn.description)
            json.key("status")
            json.string(latest.status(on: day).rawValue)
            json.endObject()
        } else {
            json.null()
        }
        json.endObject()
        return json.bytes
    }
}

/// Reads `Accept`: does the client want a page rather than JSON?
enum ContentNegotiation {
    /// True when `text/html` is asked with a higher weight than `application/json` (a browser);
    /// no header, `*/*` alone or JSON first (an app, curl) keep the JSON.
    static func prefersHTML(_ accept: String?) -> Bool {
        guard let accept else { return false }
        var html = -1.0, json = -1.0
        for part in accept.split(separator: ",").prefix(32) {
            let pieces = part.split(separator: ";")
            let type = pieces.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            var weight = 1.0
            for parameter in pieces.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0] == "q", let q = Double(pair[1]), (0...1).contains(q) { weight = q }
            }
            switch type {
            case "text/html", "application/xhtml+xml": html = max(html, weight)
            case "application/json", "application/problem+json": json = max(json, weight)
            default: break
            }
        }
        return html > 0 && html > json
    }
}
