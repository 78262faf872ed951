import Synchronization

/// The trouble a fake is told to make: each knob counts down one request at a time.
package final class FakeFaults: Sendable {
    private struct State {
        var throttles = 0
        var retryAfterSeconds: Int?
        var serverErrors = 0
        var hangs = 0
        var hangFor: Duration = .seconds(5)
        /// Paths whose next request is carried out and then answered with a 500, as a platform
        /// whose answer is lost on the way back.
        var lostAnswers: [String: Int] = [:]
    }

    private let state = Mutex(State())

    func throttle(times: Int, retryAfterSeconds: Int?) {
        state.withLock {
            $0.throttles = times
            $0.retryAfterSeconds = retryAfterSeconds
        }
    }

    func failWithServerError(times: Int) { state.withLock { $0.serverErrors = times } }

    func hang(times: Int, for duration: Duration) {
        state.withLock {
            $0.hangs = times
            $0.hangFor = duration
        }
    }

    /// Nil when this request is not throttled; else the Retry-After to send (nil inside when none).
    package func takeThrottle() -> Int?? {
        state.withLock { state in
            guard state.throttles > 0 else { return nil }
            state.throttles -= 1
            return .some(state.retryAfterSeconds)
        }
    }

    package func takeServerError() -> Bool {
        state.withLock { state in
            guard state.serverErrors > 0 else { return false }
            state.serverErrors -= 1
            return true
        }
    }

    func loseAnswer(to path: String, times: Int) { state.withLock { $0.lostAnswers[path] = times } }

    package func takeLostAnswer(_ path: String) -> Bool {
        state.withLock { state in
            guard let left = state.lostAnswers[path], left > 0 else { return false }
            state.lostAnswers[path] = left - 1
            return true
        }
    }

    func takeHang() -> Duration? {
        state.withLock { state in
            guard state.hangs > 0 else { return nil }
            state.hangs -= 1
            return state.hangFor
        }
    }
}
