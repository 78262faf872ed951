import Synchronization

/// Runs an expensive refresh so that callers arriving while it runs share the one run after it,
/// instead of queueing one run each: ten certificate writes in a burst rebuild the catalog twice,
/// not ten times. Each caller returns once a run that started after it called has finished, so it
/// sees its own write.
final class CoalescedRun: Sendable {
    private struct State {
        /// The run under way (or the last one).
        var running: Task<Void, any Error>?
        /// The run waiting for `running` to end, which every newcomer joins.
        var waiting: Task<Void, any Error>?
    }

    private let state = Mutex(State())

    init() {}

    /// Runs `work`, or joins the run already waiting (which runs the same work).
    func run(_ work: @escaping @Sendable () async throws -> Void) async throws {
        let task = state.withLock { state -> Task<Void, any Error> in
            if let waiting = state.waiting { return waiting }
            let previous = state.running
            let task = Task {
                if let previous { _ = await previous.result }
                self.started()
                try await work()
            }
            if previous == nil { state.running = task } else { state.waiting = task }
            return task
        }
        try await task.value
    }

    /// The waiting run begins: later callers must queue behind it.
    private func started() {
        state.withLock { state in
            if let waiting = state.waiting {
                state.running = waiting
                state.waiting = nil
            }
        }
    }
}
