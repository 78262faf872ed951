import HTTPTypes
import NIOCore

/// A rendered answer kept only gzip-compressed, with its plain size to inflate it for the rare
/// client that does not take gzip (every browser does).
struct CompressedBody: Sendable {
    /// The compressed bytes, in a slab of their generation; copied into a buffer per answer.
    let gzip: SlabBytes
    let plainSize: Int
    /// The ETag of the plain answer; the compressed bytes go out under its weak form.
    let etag: String

    /// The answer for a request: `304` when the client holds this version, the compressed bytes
    /// when it takes gzip, else the body inflated (nil only if inflating fails, which never happens
    /// to bytes this process compressed).
    func answer(ifNoneMatch: String?, acceptsGzip: Bool, contentType: String, cacheControl: String) -> CachedAnswer? {
        let sentETag = acceptsGzip ? "W/" + etag : etag
        func answer(_ status: HTTPResponse.Status, _ body: ByteBuffer?, _ encoding: String?) -> CachedAnswer {
            CachedAnswer(
                status: status, etag: sentETag, cacheControl: cacheControl, body: body, contentEncoding: encoding,
                contentType: contentType, vary: "Accept-Encoding")
        }
        if let ifNoneMatch, HTTPHelpers.matches(ifNoneMatch, etag) { return answer(.notModified, nil, nil) }
        if acceptsGzip { return answer(.ok, gzip.buffer, "gzip") }
        return gzip.withUnsafeBytes { Gzip.decompress($0, plainSize: plainSize) }.map { answer(.ok, $0, nil) }
    }
}

/// Compressed answers by what they were rendered from: the showroom's pages (kept compressed
/// only) and the catalog JSON sent to clients that take gzip. One byte budget for both, so the
/// process's peak memory has one figure to reason about (issue 19: under 300 MB serving 20,000
/// products). The default, 64 MB, holds the benchmark's 18,793 product pages (53 MB) or its product
/// details (32 MB) and much of the other; `ocop serve --answer-cache-mb` sets it (docs/decisions.md).
/// The bound is a ceiling: only answers asked for are kept.
///
/// Keys are ETag digests of everything an answer shows (content digests, and read-model versions
/// unique in the process: `ReadModelVersion`), so pages and JSON do not collide, and two servers in
/// one process (the tests) may share the cache: equal keys are equal bytes. An answer larger than a
/// slab (256 KB) is sent uncached.
public final class CompressedBodyCache: Sendable {
    private let bodies: RecentCache<CompressedBody>
    /// Where compressed bytes are written: slabs filled in the order answers are cached.
    private let slabs: SlabWriter

    /// The process's cache: the showroom's and the JSON API's.
    static let shared = CompressedBodyCache(maxBytes: defaultMegabytes << 20)
    public static let defaultMegabytes = 64

    init(maxBytes: Int) {
        let slabs = SlabWriter()
        self.slabs = slabs
        bodies = RecentCache(maxBytes: maxBytes, size: { Int($0.gzip.count) + $0.etag.utf8.count + 48 }) { body in
            // An entry given its second chance: its bytes move to a young slab, so the old slab is
            // freed with its generation instead of being kept for this one entry.
            let moved = body.gzip.withUnsafeBytes { slabs.append($0) }
            return moved.map { CompressedBody(gzip: $0, plainSize: body.plainSize, etag: body.etag) } ?? body
        }
    }

    /// Sets the process's bound (`ocop serve --answer-cache-mb`), before the server starts.
    public static func limitShared(megabytes: Int) { shared.bodies.maxBytes = megabytes << 20 }

    func body(_ key: String) -> CompressedBody? { bodies.value(key) }

    /// Compresses the plain bytes once and keeps them; nil if compression fails (the caller then
    /// sends the plain bytes it has, uncached).
    func store(_ key: String, plain: UnsafeRawBufferPointer, etag: String) -> CompressedBody? {
        let placed = Gzip.compress(plain) { slabs.append($0) }
        guard let placed = placed ?? nil else { return nil }  // failed, or larger than a slab (256 KB)
        let body = CompressedBody(gzip: placed, plainSize: plain.count, etag: etag)
        bodies.store(key, body)
        return body
    }
}
