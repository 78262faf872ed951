import Dispatch

/// Runs CPU-bound `work` on a Dispatch thread and waits for it without blocking the caller's thread.
///
/// Swift concurrency's jobs run on the server's event loops (see `Serve`): a second of catalog
/// building there would hold up every connection served by that loop, and every job queued behind
/// it, such as the stock load that runs beside the catalog load at start.
public func offTheEventLoops<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try work() })
        }
    }
}
