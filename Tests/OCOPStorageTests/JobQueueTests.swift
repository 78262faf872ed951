import Foundation
import OCOPDomain
import OCOPStorage
import Synchronization
import Testing
import TestSupport

@Suite struct JobQueueTests {
    private func enqueue(_ count: Int, _ stack: TestCatalogStack, maxAttempts: Int = 8) async throws {
        try await stack.database.transaction { sql in
            for n in 0..<count {
                try await JobQueue.enqueue(kind: "test", payload: "\(n)", maxAttempts: maxAttempts, in: sql, at: stack.clock.now())
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func twoWorkersClaimingTogetherNeverTakeTheSameJob(engine: TestEngine) async throws {
        try await TestCatalogStack.with(engine, importFixture: false) { stack in
            try await enqueue(40, stack)
            let queue = JobQueue(database: stack.database)
            let taken = try await withThrowingTaskGroup(of: [Int].self) { group in
                for worker in ["node-a", "node-b", "node-c"] {
                    group.addTask {
                        var mine: [Int] = []
                        while let job = try await queue.claim(worker: worker, lease: .seconds(60), at: stack.clock.now()) {
                            mine.append(job.id)
                            try await queue.complete(job, worker: worker, at: stack.clock.now())
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            let all = taken.flatMap { $0 }
            #expect(all.count == 40)
            #expect(Set(all).count == 40)
            #expect(try await queue.counts() == ["done": 40])
        }
    }

    @Test(arguments: TestEngine.all)
    func aDeadWorkersJobIsTakenOverWhenItsLeaseRunsOut(engine: TestEngine) async throws {
        try await TestCatalogStack.with(engine, importFixture: false) { stack in
            try await enqueue(1, stack)
            let queue = JobQueue(database: stack.database)
            let start = stack.clock.now()
            let first = try #require(try await queue.claim(worker: "node-a", lease: .seconds(30), at: start))
            // node-a dies here without completing. While its lease holds, nobody else gets the job.
            #expect(try await queue.claim(worker: "node-b", lease: .seconds(30), at: start.adding(seconds: 10)) == nil)
            let taken = try #require(try await queue.claim(worker: "node-b", lease: .seconds(30), at: start.adding(seconds: 31)))
            #expect(taken.id == first.id)
            #expect(taken.attempt == 2)
            // The dead node's late completion no longer counts; the new holder's does.
            try await queue.complete(first, worker: "node-a", at: start.adding(seconds: 32))
            #expect(try await queue.counts() == ["running": 1])
            try await queue.complete(taken, worker: "node-b", at: start.adding(seconds: 33))
            #expect(try await queue.counts() == ["done": 1])
        }
    }

    @Test(arguments: TestEngine.all)
    func failuresBackOffThenDeadLetter(engine: TestEngine) async throws {
        try await TestCatalogStack.with(engine, importFixture: false) { stack in
            try await enqueue(1, stack, maxAttempts: 2)
            let queue = JobQueue(database: stack.database)
            let start = stack.clock.now()
            let job = try #require(try await queue.claim(worker: "w", lease: .seconds(60), at: start))
            try await queue.fail(job, worker: "w", error: "HTTP 503", retryAfter: .seconds(120), permanent: false, at: start)
            #expect(try await queue.claim(worker: "w", lease: .seconds(60), at: start.adding(seconds: 119)) == nil)
            let retry = try #require(try await queue.claim(worker: "w", lease: .seconds(60), at: start.adding(seconds: 121)))
            #expect(retry.attempt == 2)
            try await queue.fail(retry, worker: "w", error: "HTTP 503", retryAfter: nil, permanent: false, at: start.adding(seconds: 122))
            #expect(try await queue.counts() == ["dead": 1])
            #expect(try await queue.claim(worker: "w", lease: .seconds(60), at: start.adding(seconds: 99_999)) == nil)
        }
    }
}
