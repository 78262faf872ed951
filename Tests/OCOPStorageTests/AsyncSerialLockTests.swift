import Synchronization
import Testing

@testable import OCOPStorage

/// The SQLite connection's lock: one holder, waiters in arrival order.
@Suite struct AsyncSerialLockTests {
    final class Arrivals: Sendable {
        let names = Mutex<[String]>([])
    }

    /// Holds the lock while `names` queue one after another, then lets go; answers the order in
    /// which they got it.
    static func order(of names: [String]) async throws -> [String] {
        let lock = AsyncSerialLock()
        let arrivals = Arrivals()
        var tasks: [Task<Void, Never>] = []
        await lock.withLock {
            for (index, name) in names.enumerated() {
                tasks.append(Task { await lock.withLock { arrivals.names.withLock { $0.append(name) } } })
                // The next one starts only once this one waits, so arrival order is the list's.
                while lock.waiting < index + 1 { await Task.yield() }
            }
        }
        for task in tasks { await task.value }
        return arrivals.names.withLock { $0 }
    }

    @Test func waitersGetTheLockInTheOrderTheyCame() async throws {
        #expect(try await Self.order(of: ["a", "b", "c", "d"]) == ["a", "b", "c", "d"])
    }
}
