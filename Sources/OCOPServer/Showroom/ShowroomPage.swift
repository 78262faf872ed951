import Hummingbird
import NIOCore
import OCOPDomain

/// What every showroom page shares: its language, its address in both languages, the words, the
/// stylesheet. Each page adds its own members to `context()`.
struct ShowroomPage {
    let language: Language
    /// The path without the language, with its query items in order (e.g. "/san-pham", [("q", "tra")]).
    let path: String
    let query: [(String, String)]
    /// "https://ocop.example.vn" (no trailing slash): for canonical links, Open Graph and the sitemap.
    let base: String
    let stylesheetPath: String

    /// A link within the showroom that keeps this page's language.
    func link(_ path: String, _ query: [(String, String)] = []) -> String {
        Self.link(path, query, language)
    }

    static func link(_ path: String, _ query: [(String, String)], _ language: Language) -> String {
        var items = query
        if language == .en { items.append(("lang", "en")) }
        guard !items.isEmpty else { return path }
        return path + "?" + items.map { $0.0 + "=" + ShowroomPage.escapeQuery($0.1) }.joined(separator: "&")
    }

    /// Letters, digits and `-._~` as they are; everything else percent-encoded (UTF-8).
    static func escapeQuery(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }

    /// The members of the frame (layout.mustache): title, description, canonical and alternate links.
    func context(title: String, description: String, searchText: String = "") -> [String: Any] {
        let other: Language = language == .vi ? .en : .vi
        let canonical = base + link(path, query)
        return [
            "lang": language.rawValue,
            "t": ShowroomWords.all(language),
            "title": title,
            "description": String(description.prefix(300)),
            "canonical": canonical,
            "url_vi": base + Self.link(path, query, .vi),
            "url_en": base + Self.link(path, query, .en),
            "other_lang": other.rawValue,
            "other_lang_href": Self.link(path, query, other),
            "css": stylesheetPath,
            "search_text": searchText,
            "home_href": link("/"),
            "products_href": link("/san-pham"),
            "points_href": link("/diem-ban"),
            "fairs_href": link("/hoi-cho"),
            "live_href": link("/livestream"),
            "is_en": language == .en,
        ]
    }
}

/// An HTML answer with its ETag: `304` when the browser holds it already. Pages are revalidated on
/// every visit (`no-cache`), not kept for a minute like the JSON: a shopper who reloads a product
/// whose certificate was just revoked must see it gone, and a `304` costs a few hundred bytes.
struct HTMLAnswer {
    var status: HTTPResponse.Status = .ok
    let body: [UInt8]
    let etag: String?
    var vary = "Accept-Encoding"
    var contentType = "text/html; charset=utf-8"
    var cacheControl = "no-cache"

    func response(for request: Request) -> Response {
        var headers: HTTPFields = [.cacheControl: cacheControl, .vary: vary]
        guard let etag else {
            headers[.contentType] = contentType
            headers[.contentLength] = String(body.count)
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        headers[.eTag] = etag
        if status == .ok, let asked = request.headers[.ifNoneMatch], HTTPHelpers.matches(asked, etag) {
            return Response(status: .notModified, headers: headers)
        }
        // The same compression, cache and weak ETag as the JSON answers (`CachedAnswer.gzipped`).
        var answer = CachedAnswer(status: status, etag: etag, cacheControl: cacheControl, body: ByteBuffer(bytes: body))
        if Gzip.isAccepted(request.headers[.acceptEncoding]) { answer = answer.gzipped() }
        headers[.eTag] = answer.etag
        headers[.contentType] = contentType
        if let encoding = answer.contentEncoding { headers[.contentEncoding] = encoding }
        let sent = answer.body ?? ByteBuffer()
        headers[.contentLength] = String(sent.readableBytes)
        return Response(status: status, headers: headers, body: .init(byteBuffer: sent))
    }
}
