import CZlib
import NIOCore
import Synchronization

/// gzip (RFC 1952) through the system's zlib, for catalog answers sent to clients that accept it.
enum Gzip {
    /// Bodies smaller than this are sent as they are: the header and trailer would eat the gain.
    static let smallestWorthCompressing = 512

    /// `bytes` deflated with a gzip header; nil if zlib fails (the plain body is sent). Level 6
    /// for answers that are cached; pages rendered for each request (the console) take level 1:
    /// a 280 KB count sheet deflates in a third of the time, 21% larger (docs/decisions.md).
    static func compress(_ bytes: ByteBuffer, level: Int32 = 6) -> ByteBuffer? {
        bytes.withUnsafeReadableBytes { input -> ByteBuffer? in
            var stream = z_stream()
            guard ocop_deflate_init_gzip(&stream, level) == Z_OK else { return nil }
            defer { deflateEnd(&stream) }
            let bound = Int(deflateBound(&stream, uLong(input.count))) + 32
            var output = ByteBuffer()
            output.reserveCapacity(bound)
            let status = output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out -> Int in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                let result = deflate(&stream, Z_FINISH)
                return result == Z_STREAM_END ? out.count - Int(stream.avail_out) : 0
            }
            guard status > 0 else { return nil }
            // A buffer of exactly the compressed size: the cache holds thousands of these.
            var exact = ByteBufferAllocator().buffer(capacity: output.readableBytes)
            exact.writeImmutableBuffer(output)
            return exact
        }
    }

    /// The plain bytes of a gzip body this process compressed, whose plain size is known; nil if
    /// the bytes do not inflate to exactly that size. (Showroom pages are kept compressed only, so
    /// that all 20,000 product pages fit; a client that does not take gzip gets them inflated.)
    static func decompress(_ packed: ByteBuffer, plainSize: Int) -> ByteBuffer? {
        packed.withUnsafeReadableBytes { input -> ByteBuffer? in
            var stream = z_stream()
            guard ocop_inflate_init_gzip(&stream) == Z_OK else { return nil }
            defer { inflateEnd(&stream) }
            var output = ByteBufferAllocator().buffer(capacity: plainSize)
            var whole = false
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: plainSize) { out -> Int in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(plainSize)
                let result = inflate(&stream, Z_FINISH)
                whole = result == Z_STREAM_END && stream.avail_in == 0 && stream.avail_out == 0
                return whole ? plainSize : 0
            }
            return whole ? output : nil
        }
    }

    /// Whether an `Accept-Encoding` header allows gzip: `gzip` or `*` with a weight above zero.
    static func isAccepted(_ header: String?) -> Bool {
        guard let header else { return false }
        var gzip: Bool?
        var any: Bool?
        for part in header.utf8.split(separator: UInt8(ascii: ",")).prefix(16) {
            let pieces = part.split(separator: UInt8(ascii: ";"))
            guard let name = pieces.first.map({ String(decoding: $0, as: UTF8.self).trimmed.lowercased() }) else { continue }
            let refused = pieces.dropFirst().contains { parameter in
                let text = String(decoding: parameter, as: UTF8.self).trimmed.replacingSpaces
                return text == "q=0" || text == "q=0.0" || text == "q=0.00" || text == "q=0.000"
            }
            if name == "gzip" || name == "x-gzip" { gzip = !refused } else if name == "*" { any = !refused }
        }
        return gzip ?? any ?? false
    }
}

extension String {
    fileprivate var trimmed: String {
        var view = Substring(self)
        while view.first == " " || view.first == "\t" { view = view.dropFirst() }
        while view.last == " " || view.last == "\t" { view = view.dropLast() }
        return String(view)
    }

    fileprivate var replacingSpaces: String { String(filter { $0 != " " && $0 != "\t" }) }
}

/// Compressed bodies by the ETag of their plain answer: a page is compressed once per version of
/// its content (a new snapshot, a stock movement give new ETags), not per request. Bounded by its
/// bytes, keeping the recently used (`RecentCache`).
final class GzipCache: Sendable {
    private let entries: RecentCache<ByteBuffer>

    /// The catalog's answers, JSON and HTML: one cache for the process. 40 MB holds the 18,793
    /// product details of the benchmark's catalog compressed (32 MB); at 24 MB, emptied when full,
    /// a third of them were compressed again on every pass (docs/decisions.md).
    static let catalog = GzipCache(maxBytes: 40 << 20)

    init(maxBytes: Int) { entries = RecentCache(maxBytes: maxBytes) { $0.readableBytes } }

    /// The compressed body of the answer whose plain body is `body` and ETag `etag`.
    func compressed(_ body: ByteBuffer, etag: String) -> ByteBuffer? {
        if let hit = entries.value(etag) { return hit }
        guard let packed = Gzip.compress(body) else { return nil }
        entries.store(etag, packed)
        return packed
    }
}
