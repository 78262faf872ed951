import Dispatch

extension Collection where Self: Sendable, Index == Int {
    /// `map` run on all cores; the results come back in order. Each element's result is written
    /// once, by the one iteration that computed it, and read only after all have finished.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard !isEmpty else { return [] }
        let first = startIndex
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let results = Results(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: count) { offset in
                (results.base + offset).initialize(to: transform(self[first + offset]))
            }
            initialized = count
        }
    }
}

/// The results' memory, shared by the iterations: each writes only its own element.
private struct Results<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}
