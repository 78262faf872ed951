import Foundation
import Hummingbird
import HummingbirdCore
import OCOPDomain

/// Small helpers the controllers share: language choice, query parameters, cached JSON answers.
enum HTTPHelpers {
    /// `?lang=` wins, then the best of `Accept-Language`; Vietnamese by default.
    static func language(_ request: Request) throws(Problem) -> Language {
        try language(RequestView(request))
    }

    static func language(_ request: RequestView) throws(Problem) -> Language {
        if let asked = request.query.get("lang") {
            guard let language = Language(rawValue: asked) else {
                throw .badParameter("lang", "one of vi, en")
            }
            return language
        }
        guard let header = request.acceptLanguage else { return .vi }
        var best: (language: Language, q: Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { continue }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary) else { continue }
            var q = 1.0
            for piece in pieces.dropFirst() where piece.hasPrefix("q=") { q = Double(piece.dropFirst(2)) ?? 0 }
            if q > (best?.q ?? 0) { best = (language, q) }
        }
        return best?.language ?? .vi
    }

    /// The query parameters as a dictionary; a parameter given twice is a 400.
    static func parameters(_ request: Request) throws(Problem) -> [String: String] {
        try parameters(RequestView(request))
    }

    static func parameters(_ request: RequestView) throws(Problem) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in request.query {
            let name = String(key)
            guard result[name] == nil else { throw .badParameter(name, "given more than once") }
            result[name] = String(value)
        }
        return result
    }

    /// A JSON answer with an ETag; `304 Not Modified` when the client already holds it.
    static func cachedJSON(
        _ bytes: [UInt8], etag: String, request: Request, cacheControl: String = "public, max-age=60"
    ) -> Response {
        cachedAnswer(bytes, etag: etag, request: RequestView(request), cacheControl: cacheControl).response
    }

    static func cachedAnswer(
        _ bytes: [UInt8], etag: String, request: RequestView, cacheControl: String = "public, max-age=60"
    ) -> CachedAnswer {
        cachedAnswer(ByteBuffer(bytes: bytes), etag: etag, request: request, cacheControl: cacheControl)
    }

    static func cachedAnswer(
        _ body: ByteBuffer, etag: String, request: RequestView, cacheControl: String = "public, max-age=60"
    ) -> CachedAnswer {
        if let asked = request.ifNoneMatch, matches(asked, etag) {
            return CachedAnswer(status: .notModified, etag: etag, cacheControl: cacheControl, body: nil)
        }
        return CachedAnswer(status: .ok, etag: etag, cacheControl: cacheControl, body: body)
    }

    /// Whether an `If-None-Match` list names the ETag (weak comparison, as RFC 9110 asks for GET).
    static func matches(_ ifNoneMatch: String, _ etag: String) -> Bool {
        let bare = etag.hasPrefix("W/") ? String(etag.dropFirst(2)) : etag
        return ifNoneMatch.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || trimmed == bare || trimmed == "W/" + bare
        }
    }

    /// A quoted strong ETag from a 64-bit FNV-1a digest of the parts.
    static func etag(_ parts: String...) -> String {
        var digest = ETagDigest()
        for part in parts { digest.add(part) }
        return digest.etag
    }
}

/// Builds an ETag from parts without joining them into one string first (product pages build one
/// per request): a 64-bit FNV-1a digest, each part followed by a separator.
struct ETagDigest {
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ part: String) {
        for byte in part.utf8 { mix(byte) }
        mix(0x1F)
    }

    /// A number, by its decimal digits: the same digest as `add(String(number))`.
    mutating func add(_ number: Int) {
        if number < 0 { mix(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var count = 0
            var rest = number.magnitude
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            for index in stride(from: count - 1, through: 0, by: -1) { mix(digits[index]) }
        }
        mix(0x1F)
    }

    var etag: String { "\"" + String(hash, radix: 36) + "\"" }

    private mutating func mix(_ byte: UInt8) {
        hash ^= UInt64(byte)
        hash &*= 0x100_0000_01b3
    }
}

/// What the catalog handlers read of a request: its URI (the query parsed once) and the two
/// headers they look at, from Hummingbird's `Request` or straight from the HTTP head
/// (`CatalogFastPath`).
struct RequestView {
    let uri: URI
    let query: FlatDictionary<Substring, Substring>
    let acceptLanguage: String?
    let ifNoneMatch: String?

    init(_ request: Request) {
        self.init(
            uri: request.uri, acceptLanguage: request.headers[.acceptLanguage],
            ifNoneMatch: request.headers[.ifNoneMatch])
    }

    init(uri: URI, acceptLanguage: String?, ifNoneMatch: String?) {
        self.uri = uri
        query = uri.queryParameters
        self.acceptLanguage = acceptLanguage
        self.ifNoneMatch = ifNoneMatch
    }
}

/// A complete answer with a JSON body (or none, for 304), as a `Response` or written directly.
struct CachedAnswer {
    let status: HTTPResponse.Status
    let etag: String
    let cacheControl: String
    let body: ByteBuffer?

    static let contentType = "application/json; charset=utf-8"

    /// The headers in the order both paths send them (`CatalogFastPath` writes them as bytes).
    func forEachHeader(_ write: (_ name: String, _ value: String) -> Void) {
        write("etag", etag)
        write("cache-control", cacheControl)
        write("vary", "Accept-Language")
        if let body {
            write("content-type", Self.contentType)
            write("content-length", String(body.readableBytes))
        }
    }

    var response: Response {
        var headers: HTTPFields = [.eTag: etag, .cacheControl: cacheControl, .vary: "Accept-Language"]
        if let body {
            headers[.contentType] = Self.contentType
            headers[.contentLength] = String(body.readableBytes)
        }
        return Response(status: status, headers: headers, body: body.map { ResponseBody(byteBuffer: $0) } ?? ResponseBody())
    }
}
