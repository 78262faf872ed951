#if canImport(Glibc)
    import Glibc
#endif

/// Caps glibc's malloc at two heaps ("arenas") for the whole process; call it first, before threads.
///
/// glibc gives threads up to 8 heaps per core. The catalog is built on every core at start, and
/// memory freed in one heap is not reused by threads that allocate from another: a 20k-product
/// start ended at 295–313 MB resident with the default against 281–287 MB with two heaps (the target
/// is 300 MB), with no measurable change in start time (docs/decisions.md). The same as running
/// with `MALLOC_ARENA_MAX=2`, which an operator can still override.
func limitMallocArenas() {
    #if canImport(Glibc)
        // mallopt is glibc's own and not in Swift's Glibc module, so it is looked up by name.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMaxParameter: Int32 = -8  // M_ARENA_MAX in malloc.h
        guard getenv("MALLOC_ARENA_MAX") == nil, let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMaxParameter, 2)
    #endif
}
