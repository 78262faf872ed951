#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Synchronization

/// A block of memory mapped from the system, holding the bytes of many cached answers one after
/// the other. Answers cached in the same stretch of time share slabs, and a cache's generations
/// are stretches of time: when a generation is dropped, its slabs are unmapped whole, straight
/// back to the system. Kept in malloc's heap instead, the compressed pages of a turning cache
/// left the heap fragmented: 90 MB held free by the allocator beside 212 MB in use (measured with
/// `malloc_stats` after two passes over the benchmark's pages and details, docs/decisions.md).
final class ByteSlab: @unchecked Sendable {
    /// 256 KB: about ninety product pages. An entry that outlives its slab's generation is copied
    /// into a young slab (`CompressedBodyCache`), so a slab is never kept for one entry.
    static let size = 256 << 10

    private let base: UnsafeMutableRawPointer
    /// Bytes written so far. Written under its `SlabWriter`'s lock only; bytes below it never change.
    private var used = 0

    init?() {
        let mapped = mmap(nil, Self.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }  // MAP_FAILED
        base = mapped
    }

    deinit { munmap(base, Self.size) }

    /// Copies `bytes` in and returns where they are; nil when they do not fit.
    func append(_ bytes: UnsafeRawBufferPointer) -> SlabBytes? {
        guard bytes.count <= Self.size - used, let source = bytes.baseAddress else { return nil }
        (base + used).copyMemory(from: source, byteCount: bytes.count)
        defer { used += bytes.count }
        return SlabBytes(slab: self, offset: Int32(used), count: Int32(bytes.count))
    }

    fileprivate func bytes(at offset: Int32, count: Int32) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + Int(offset), count: Int(count))
    }
}

/// Bytes in a slab; the slab lives as long as any of its entries does.
struct SlabBytes: Sendable {
    fileprivate let slab: ByteSlab
    fileprivate let offset: Int32
    let count: Int32

    func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try body(slab.bytes(at: offset, count: count))
    }

    /// A copy in a buffer of its own, to send.
    var buffer: ByteBuffer { withUnsafeBytes { ByteBuffer(bytes: $0) } }
}

/// The slab answers are appended to now, and a new one when it is full; for any thread.
final class SlabWriter: Sendable {
    private let current = Mutex<ByteSlab?>(nil)

    /// nil only for bytes larger than a slab, or when the system refuses memory.
    func append(_ bytes: UnsafeRawBufferPointer) -> SlabBytes? {
        guard bytes.count <= ByteSlab.size else { return nil }
        return current.withLock { current in
            if let placed = current?.append(bytes) { return placed }
            current = ByteSlab()
            return current?.append(bytes)
        }
    }
}
