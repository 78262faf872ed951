import Hummingbird
import HummingbirdCore
import NIOCore

extension HTTPHelpers {
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
        let plain = CachedAnswer(status: .ok, etag: etag, cacheControl: cacheControl, body: body)
        return request.acceptsGzip ? plain.gzipped() : plain
    }
}

/// A complete answer with a body (JSON, or a showroom page) or none (304), as a `Response` or
/// written directly by the fast path.
struct CachedAnswer {
    let status: HTTPResponse.Status
    let etag: String
    let cacheControl: String
    let body: ByteBuffer?
    /// "gzip" when the body is compressed.
    var contentEncoding: String? = nil
    var contentType = CachedAnswer.json
    /// JSON answers follow `Accept-Language`; pages choose their language by `?lang=` only.
    var vary = "Accept-Language, Accept-Encoding"

    static let json = "application/json; charset=utf-8"

    /// The headers in the order both paths send them (`CatalogFastPath` writes them as bytes).
    func forEachHeader(_ write: (_ name: String, _ value: String) -> Void) {
        write("etag", etag)
        write("cache-control", cacheControl)
        write("vary", vary)
        if let body {
            write("content-type", contentType)
            if let contentEncoding { write("content-encoding", contentEncoding) }
            write("content-length", String(body.readableBytes))
        }
    }

    /// The same answer with its body gzip-compressed (once per ETag, `GzipCache.catalog`) and a
    /// weak ETag, since the bytes differ; small bodies and failures stay plain.
    func gzipped() -> CachedAnswer {
        guard status == .ok, contentEncoding == nil, let body, body.readableBytes >= Gzip.smallestWorthCompressing,
            let packed = GzipCache.catalog.compressed(body, etag: etag)
        else { return self }
        return CachedAnswer(
            status: status, etag: etag.hasPrefix("W/") ? etag : "W/" + etag, cacheControl: cacheControl, body: packed,
            contentEncoding: "gzip", contentType: contentType, vary: vary)
    }

    /// A JSON answer's compressed body as `gzipped` sends it (JSON type and vary), for the ETag of
    /// its plain body.
    static func compressedJSON(_ packed: ByteBuffer, etag: String, cacheControl: String = "public, max-age=60") -> CachedAnswer {
        CachedAnswer(
            status: .ok, etag: etag.hasPrefix("W/") ? etag : "W/" + etag, cacheControl: cacheControl, body: packed,
            contentEncoding: "gzip")
    }

    var response: Response {
        var headers: HTTPFields = [.eTag: etag, .cacheControl: cacheControl, .vary: vary]
        if let body {
            headers[.contentType] = contentType
            if let contentEncoding { headers[.contentEncoding] = contentEncoding }
            headers[.contentLength] = String(body.readableBytes)
        }
        return Response(status: status, headers: headers, body: body.map { ResponseBody(byteBuffer: $0) } ?? ResponseBody())
    }
}
