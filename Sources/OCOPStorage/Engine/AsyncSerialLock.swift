import Synchronization

/// A first-come-first-served lock for async code: one holder at a time, waiters resume in order.
///
/// Taking a free lock costs one mutex round, with no hop to another executor: every SQLite
/// statement of the service passes through here.
package final class AsyncSerialLock: Sendable {
    private struct State {
        var isHeld = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// The first waiter still in `waiters`; the array is compacted when it empties or is half spent.
        var head = 0
    }

    private let state = Mutex(State())

    package init() {}

    /// Runs `body` while holding the lock, in the caller's isolation.
    package func withLock<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async rethrows -> T {
        await acquire()
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    /// How many are waiting (for tests).
    package var waiting: Int { state.withLock { $0.waiters.count - $0.head } }

    private func acquire(isolation: isolated (any Actor)? = #isolation) async {
        let taken = state.withLock { state in
            if state.isHeld { return false }
            state.isHeld = true
            return true
        }
        if taken { return }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let takenMeanwhile = state.withLock { state in
                if !state.isHeld {
                    state.isHeld = true
                    return true
                }
                state.waiters.append(waiter)
                return false
            }
            if takenMeanwhile { waiter.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.head < state.waiters.count else {
                state.isHeld = false
                return nil
            }
            // The lock passes straight to the next waiter: it stays held, so no newcomer can barge in.
            let waiter = state.waiters[state.head]
            state.head += 1
            if state.head == state.waiters.count {
                state.waiters.removeAll(keepingCapacity: true)
                state.head = 0
            } else if state.head >= 1024 && state.head * 2 >= state.waiters.count {
                // A queue that never empties (steady load) would otherwise keep every past waiter.
                state.waiters.removeFirst(state.head)
                state.head = 0
            }
            return waiter
        }
        next?.resume()
    }
}
