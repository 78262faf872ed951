import Dispatch
import Foundation
import Synchronization

/// Splits `0..<total` into consecutive ranges, runs `body` on each on all cores, and returns the
/// results in range order. Building a snapshot is CPU-bound and dominates a cold start: with two
/// cores it takes about half the time this way.
func parallelChunks<Result: Sendable>(
    total: Int, minimumChunk: Int = 2_000, _ body: (Range<Int>) -> Result
) -> [Result] {
    let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
    let chunks = max(1, min(cores, total / max(1, minimumChunk)))
    guard chunks > 1 else { return [body(0..<total)] }
    let results = Mutex<[Int: Result]>([:])
    withoutActuallyEscaping(body) { body in
        let box = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (total * chunk / chunks)..<(total * (chunk + 1) / chunks)
            let result = box.value(range)
            results.withLock { $0[chunk] = result }
        }
    }
    let collected = results.withLock { $0 }
    return (0..<chunks).map { collected[$0]! }
}

/// Carries the (non-Sendable) chunk closure into `concurrentPerform`; the chunks only read shared
/// immutable input and write their own result.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
