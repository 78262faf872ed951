import CLibdeflate
import NIOCore
import Synchronization

/// gzip (RFC 1952) through libdeflate, for catalog answers sent to clients that accept it.
enum Gzip {
    /// Bodies smaller than this are sent as they are: the header and trailer would eat the gain.
    static let smallestWorthCompressing = 512

    /// `bytes` deflated with a gzip header; nil if compression fails (the plain body is sent).
    /// Level 6 for answers that are cached; pages rendered for each request (the console) take
    /// level 1: a 280 KB count sheet deflates in a third of the time, 21% larger (docs/decisions.md).
    static func compress(_ bytes: ByteBuffer, level: Int32 = 6) -> ByteBuffer? {
        bytes.withUnsafeReadableBytes { input in compress(input, level: level) { ByteBuffer(bytes: $0) } }
    }

    /// `input` deflated with a gzip header, handed to `use` (the bytes are gone after it returns);
    /// nil if compression fails.
    static func compress<T>(
        _ input: UnsafeRawBufferPointer, level: Int32 = 6, _ use: (UnsafeRawBufferPointer) -> T
    ) -> T? {
        compressors.using(level) { compressor -> T? in
            let bound = libdeflate_gzip_compress_bound(compressor, input.count)
            return withUnsafeTemporaryAllocation(byteCount: bound, alignment: 16) { out -> T? in
                let size = libdeflate_gzip_compress(compressor, input.baseAddress, input.count, out.baseAddress, bound)
                guard size > 0 else { return nil }
                return use(UnsafeRawBufferPointer(rebasing: out[..<size]))
            }
        }
    }

    /// The plain bytes of a gzip body this process compressed, whose plain size is known; nil if
    /// the bytes do not inflate to exactly that size. (Showroom pages are kept compressed only, so
    /// that all 20,000 product pages fit; a client that does not take gzip gets them inflated.)
    static func decompress(_ input: UnsafeRawBufferPointer, plainSize: Int) -> ByteBuffer? {
        decompressors.using(0) { decompressor -> ByteBuffer? in
            var output = ByteBufferAllocator().buffer(capacity: plainSize)
            var whole = false
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: plainSize) { out -> Int in
                var written = 0
                let result = libdeflate_gzip_decompress(
                    decompressor, input.baseAddress, input.count, out.baseAddress, plainSize, &written)
                whole = result == LIBDEFLATE_SUCCESS && written == plainSize
                return whole ? plainSize : 0
            }
            return whole ? output : nil
        }
    }

    /// libdeflate's (de)compressors hold their tables (hundreds of KB for a compressor): allocated
    /// once and lent out, rather than once per answer.
    private static let compressors = Pool { level in libdeflate_alloc_compressor(level) } free: {
        libdeflate_free_compressor($0)
    }
    private static let decompressors = Pool { _ in libdeflate_alloc_decompressor() } free: {
        libdeflate_free_decompressor($0)
    }

    /// Whether an `Accept-Encoding` header allows gzip: `gzip` or `*` with a weight above zero.
    /// Read on the header's bytes, without allocating: it runs for every catalog request.
    static func isAccepted(_ header: String?) -> Bool {
        guard let header else { return false }
        var gzip: Bool?
        var any: Bool?
        for part in header.utf8.split(separator: UInt8(ascii: ",")).prefix(16) {
            var pieces = part.split(separator: UInt8(ascii: ";"))[...]
            guard let name = pieces.popFirst().map(trimmed) else { continue }
            let refused = pieces.contains(where: isZeroWeight)
            if equalsIgnoringCase(name, "gzip") || equalsIgnoringCase(name, "x-gzip") {
                gzip = !refused
            } else if name.elementsEqual("*".utf8) {
                any = !refused
            }
        }
        return gzip ?? any ?? false
    }

    private typealias Bytes = Substring.UTF8View

    private static func trimmed(_ bytes: Bytes) -> Bytes {
        let blank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) })
        else { return bytes[bytes.endIndex...] }
        return bytes[first...last]
    }

    private static func equalsIgnoringCase(_ bytes: Bytes, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        return zip(bytes, UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)).allSatisfy {
            ($0 | 0x20) == $1
        }
    }

    /// `q=0`, `q=0.0`, `q=0.00` or `q=0.000`, spaces allowed around the `=`.
    private static func isZeroWeight(_ parameter: Bytes) -> Bool {
        let text = parameter.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        guard text.count >= 3, text.count <= 7, text[0] | 0x20 == UInt8(ascii: "q"), text[1] == UInt8(ascii: "="),
            text[2] == UInt8(ascii: "0")
        else { return false }
        guard text.count > 3 else { return true }
        return text[3] == UInt8(ascii: ".") && text.count >= 4 && text[4...].allSatisfy { $0 == UInt8(ascii: "0") }
    }
}

/// Compressed catalog JSON by the ETag of its plain answer: an answer is compressed once per
/// version of its content (a new snapshot, a movement of its stock give new ETags), not per
/// request. Kept in the process's `CompressedBodyCache`, beside the showroom's pages.
struct GzipCache: Sendable {
    let bodies: CompressedBodyCache

    static let catalog = GzipCache(bodies: .shared)

    /// The compressed body kept for the answer whose ETag is `etag`, if any: an answer that can
    /// name its ETag before writing its body need not write it (the product detail).
    func kept(etag: String) -> ByteBuffer? {
        bodies.body(etag)?.gzip.buffer
    }

    /// The compressed body of the answer whose plain body is `body` and ETag `etag`.
    func compressed(_ body: ByteBuffer, etag: String) -> ByteBuffer? {
        let kept = bodies.body(etag) ?? body.withUnsafeReadableBytes { bodies.store(etag, plain: $0, etag: etag) }
        return kept?.gzip.buffer
    }
}

/// libdeflate objects, costly to allocate, kept by a key (the compression level) and lent to one
/// caller at a time. At most 8 per key are kept: one per thread compressing at once.
private final class Pool: Sendable {
    /// A libdeflate object, used by one thread at a time (the pool's lending guarantees it).
    private struct Handle: @unchecked Sendable { let pointer: OpaquePointer }

    private let idle = Mutex<[Int32: [Handle]]>([:])
    private let make: @Sendable (Int32) -> OpaquePointer?
    private let free: @Sendable (OpaquePointer) -> Void

    init(_ make: @escaping @Sendable (Int32) -> OpaquePointer?, free: @escaping @Sendable (OpaquePointer) -> Void) {
        self.make = make
        self.free = free
    }

    func using<T>(_ key: Int32, _ body: (OpaquePointer) -> T?) -> T? {
        let lent = idle.withLock { $0[key]?.popLast() }
        guard let handle = lent ?? make(key).map(Handle.init(pointer:)) else { return nil }
        defer {
            let kept = idle.withLock { idle -> Bool in
                guard idle[key, default: []].count < 8 else { return false }
                idle[key, default: []].append(handle)
                return true
            }
            if !kept { free(handle.pointer) }
        }
        return body(handle.pointer)
    }
}
