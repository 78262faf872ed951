import HTTPTypes
import NIOCore

/// A rendered showroom page, kept only gzip-compressed (with its plain size, to inflate it for the
/// rare client that does not take gzip: every browser does).
struct CompressedPage: Sendable {
    let gzip: ByteBuffer
    let plainSize: Int
    /// The ETag of the plain page; the compressed bytes go out under its weak form.
    let etag: String

    /// The answer for a request: `304` when the client holds this version, the compressed bytes
    /// when it takes gzip, else the page inflated (nil only if zlib fails, which never happens to
    /// bytes it wrote).
    func answer(ifNoneMatch: String?, acceptsGzip: Bool, contentType: String, cacheControl: String) -> CachedAnswer? {
        let sentETag = acceptsGzip ? "W/" + etag : etag
        func answer(_ status: HTTPResponse.Status, _ body: ByteBuffer?, _ encoding: String?) -> CachedAnswer {
            CachedAnswer(
                status: status, etag: sentETag, cacheControl: cacheControl, body: body, contentEncoding: encoding,
                contentType: contentType, vary: "Accept-Encoding")
        }
        if let ifNoneMatch, HTTPHelpers.matches(ifNoneMatch, etag) { return answer(.notModified, nil, nil) }
        if acceptsGzip { return answer(.ok, gzip, "gzip") }
        return Gzip.decompress(gzip, plainSize: plainSize).map { answer(.ok, $0, nil) }
    }
}

/// Showroom pages by everything they were rendered from, compressed. The 18,793 product pages of
/// the benchmark's catalog take 53 MB this way (7 KB each as HTML, 2.8 KB compressed): all of
/// them fit in one generation of the cache (half its bound), where 32 MB of plain pages held a
/// fifth and most requests rendered their page again. The bound is what the cache may reach, not
/// what it takes: it holds only pages that were asked for.
final class CompressedPageCache: Sendable {
    private let pages: RecentCache<CompressedPage>

    init(maxBytes: Int = 128 << 20) {
        pages = RecentCache(maxBytes: maxBytes) { $0.gzip.readableBytes + $0.etag.utf8.count + 48 }
    }

    func page(_ key: String) -> CompressedPage? { pages.value(key) }

    /// Compresses the rendered page once and keeps it; nil if zlib fails (the caller then sends
    /// the plain bytes it has, uncached).
    func store(_ key: String, plain: [UInt8], etag: String) -> CompressedPage? {
        guard let packed = Gzip.compress(ByteBuffer(bytes: plain)) else { return nil }
        let page = CompressedPage(gzip: packed, plainSize: plain.count, etag: etag)
        pages.store(key, page)
        return page
    }
}
