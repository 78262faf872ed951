#if canImport(Glibc)
import Glibc
#endif

/// Gives the pages the allocator holds free back to the system. glibc keeps freed memory inside
/// its heap for reuse; after a snapshot is built, that is the build's scratch (rows, per-core
/// parts): 8 MB at 20,000 products, which every later cache growth would otherwise stack on.
enum FreedMemory {
    private typealias Trim = @convention(c) (Int) -> Int32

    /// glibc's `malloc_trim`, looked up at run time: Swift's Glibc module leaves out `malloc.h`.
    /// Nil on another C library, where this does nothing.
    nonisolated(unsafe) private static let trim: Trim? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
        #else
        return nil
        #endif
    }()

    static func returnToTheSystem() { _ = trim?(0) }
}
