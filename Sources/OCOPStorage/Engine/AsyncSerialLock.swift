import Synchronization

/// A first-come-first-served lock for async code: one holder at a time, waiters resume in order.
/// An `urgent` waiter goes before the ordinary ones (still after the current holder and earlier
/// urgent waiters).
///
/// Taking a free lock costs one mutex round, with no hop to another executor: every SQLite
/// statement of the service passes through here.
package final class AsyncSerialLock: Sendable {
    private struct Queue {
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// The first waiter still in `waiters`; the array is compacted when it empties.
        var head = 0

        mutating func append(_ waiter: CheckedContinuation<Void, Never>) { waiters.append(waiter) }

        mutating func removeFirst() -> CheckedContinuation<Void, Never>? {
            guard head < waiters.count else { return nil }
            let waiter = waiters[head]
            head += 1
            if head == waiters.count {
                waiters.removeAll(keepingCapacity: true)
                head = 0
            }
            return waiter
        }
    }

    private struct State {
        var isHeld = false
        var urgent = Queue()
        var ordinary = Queue()
    }

    private let state = Mutex(State())

    package init() {}

    /// Runs `body` while holding the lock, in the caller's isolation.
    package func withLock<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, urgent: Bool = false, _ body: () async throws -> T
    ) async rethrows -> T {
        await acquire(urgent: urgent)
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
    package var waiting: Int {
        state.withLock { ($0.urgent.waiters.count - $0.urgent.head) + ($0.ordinary.waiters.count - $0.ordinary.head) }
    }

    private func acquire(isolation: isolated (any Actor)? = #isolation, urgent: Bool) async {
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
                if urgent { state.urgent.append(waiter) } else { state.ordinary.append(waiter) }
                return false
            }
            if takenMeanwhile { waiter.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            // The lock passes straight to the next waiter: it stays held, so no newcomer can barge in.
            guard let waiter = state.urgent.removeFirst() ?? state.ordinary.removeFirst() else {
                state.isHeld = false
                return nil
            }
            return waiter
        }
        next?.resume()
    }
}
