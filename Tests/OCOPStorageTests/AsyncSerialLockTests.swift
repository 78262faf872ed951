import Synchronization
import Testing

@testable import OCOPStorage

/// The SQLite connection's lock: one holder, waiters in arrival order, and the reads that bring a
/// read model up to date with a commit (urgent) ahead of the writes waiting behind them.
@Suite struct AsyncSerialLockTests {
    final class Arrivals: Sendable {
        let names = Mutex<[String]>([])
    }

    static func waiter(_ lock: AsyncSerialLock, _ arrivals: Arrivals, _ name: String, urgent: Bool) -> Task<Void, Never> {
        Task { await lock.withLock(urgent: urgent) { arrivals.names.withLock { $0.append(name) } } }
    }

    /// Holds the lock while `waiters` (name, urgent) queue one after another, then lets go; answers
    /// the order in which they got it.
    static func order(of waiters: [(String, Bool)]) async throws -> [String] {
        let lock = AsyncSerialLock()
        let arrivals = Arrivals()
        var tasks: [Task<Void, Never>] = []
        await lock.withLock {
            for (index, (name, urgent)) in waiters.enumerated() {
                tasks.append(waiter(lock, arrivals, name, urgent: urgent))
                // The next one starts only once this one waits, so arrival order is the list's.
                while lock.waiting < index + 1 { await Task.yield() }
            }
        }
        for task in tasks { await task.value }
        return arrivals.names.withLock { $0 }
    }

    @Test func waitersGetTheLockInTheOrderTheyCame() async throws {
        #expect(try await Self.order(of: [("a", false), ("b", false), ("c", false)]) == ["a", "b", "c"])
    }

    @Test func urgentWaitersGoFirstInTheirOwnOrder() async throws {
        let order = try await Self.order(of: [("sale-1", false), ("sale-2", false), ("refresh-1", true), ("sale-3", false), ("refresh-2", true)])
        #expect(order == ["refresh-1", "refresh-2", "sale-1", "sale-2", "sale-3"])
    }

    /// `Database.followingCommits` marks a task's reads urgent, and only that task's.
    @Test func onlyReadsFollowingACommitAreUrgent() async throws {
        #expect(Database.followsCommit == false)
        let inside = await Database.followingCommits { Database.followsCommit }
        #expect(inside)
        let child = await Database.followingCommits { await Task { Database.followsCommit }.value }
        #expect(child, "a refresh run in a task of its own (CoalescedRun) inherits the mark")
        #expect(Database.followsCommit == false)
    }
}
