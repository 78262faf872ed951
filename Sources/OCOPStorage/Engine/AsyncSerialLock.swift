/// A first-come-first-served lock for async code: one holder at a time, waiters resume in order.
package final class AsyncSerialLock: Sendable {
    private actor State {
        private var isHeld = false
        private var waiters: [CheckedContinuation<Void, Never>] = []

        func acquire() async {
            if !isHeld {
                isHeld = true
                return
            }
            await withCheckedContinuation { waiters.append($0) }
        }

        func release() {
            if waiters.isEmpty {
                isHeld = false
            } else {
                waiters.removeFirst().resume()  // the lock passes straight to the next waiter
            }
        }
    }

    private let state = State()

    package init() {}

    /// Runs `body` while holding the lock, in the caller's isolation.
    package func withLock<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async rethrows -> T {
        await state.acquire()
        do {
            let result = try await body()
            await state.release()
            return result
        } catch {
            await state.release()
            throw error
        }
    }
}
