import Dispatch

/// Runs four independent computations at once on all cores and returns their results.
/// Used for the parts of a snapshot that each read the published products and nothing else.
func concurrently<A, B, C, D>(
    _ a: () -> A, _ b: () -> B, _ c: () -> C, _ d: () -> D
) -> (A, B, C, D) {
    let slots = Slots<A, B, C, D>()
    defer { slots.deallocate() }
    withoutActuallyEscaping(a) { a in
        withoutActuallyEscaping(b) { b in
            withoutActuallyEscaping(c) { c in
                withoutActuallyEscaping(d) { d in
                    let work = UncheckedWork(value: (a, b, c, d))
                    // Each iteration runs one closure and initializes only its own slot.
                    DispatchQueue.concurrentPerform(iterations: 4) { index in
                        switch index {
                        case 0: slots.a.initialize(to: work.value.0())
                        case 1: slots.b.initialize(to: work.value.1())
                        case 2: slots.c.initialize(to: work.value.2())
                        default: slots.d.initialize(to: work.value.3())
                        }
                    }
                }
            }
        }
    }
    return (slots.a.move(), slots.b.move(), slots.c.move(), slots.d.move())
}

/// One separately allocated slot per result, so no two iterations write to the same memory.
private struct Slots<A, B, C, D>: @unchecked Sendable {
    let a = UnsafeMutablePointer<A>.allocate(capacity: 1)
    let b = UnsafeMutablePointer<B>.allocate(capacity: 1)
    let c = UnsafeMutablePointer<C>.allocate(capacity: 1)
    let d = UnsafeMutablePointer<D>.allocate(capacity: 1)

    func deallocate() {
        a.deallocate()
        b.deallocate()
        c.deallocate()
        d.deallocate()
    }
}

private struct UncheckedWork<Value>: @unchecked Sendable {
    let value: Value
}
