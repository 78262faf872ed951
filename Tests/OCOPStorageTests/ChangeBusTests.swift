import Foundation
import Logging
import OCOPDomain
import Synchronization
import Testing
import TestSupport

@testable import OCOPStorage

/// The notices a transaction announces reach this node's read models once it has committed, and
/// the other nodes through PostgreSQL, each exactly once.
@Suite struct ChangeBusTests {
    /// Every batch a bus delivered, in order.
    final class Recorder: Sendable {
        let batches = Mutex<[Set<ChangeNotice>]>([])
        func record(_ notices: Set<ChangeNotice>) { batches.withLock { $0.append(notices) } }
        var all: [Set<ChangeNotice>] { batches.withLock { $0 } }
        func reset() { batches.withLock { $0 = [] } }
    }

    struct RefreshFailed: Error {}

    static let point = "diem-thu"

    private func makePoint(_ stack: TestCatalogStack) async throws {
        try await stack.ensureScopesExist([Self.point], role: .pointStaff)
    }

    private func receipt(_ quantity: Int, _ stack: TestCatalogStack) -> StoreOperation<MovementResult> {
        StockStore().receipt(
            point: Self.point, lines: [ReceiptLine(sku: "MAT-ONG", batch: "L1", bestBefore: nil, quantity: quantity, unitCost: nil)],
            reference: "test-\(quantity)", actor: "test", at: stack.clock.now())
    }

    @Test(arguments: TestEngine.all)
    func aSubscriberThatFailsAfterCommitNeitherUndoesNorFailsTheWrite(engine: TestEngine) async throws {
        let stack = try await TestCatalogStack.make(engine)
        try await makePoint(stack)
        let recorder = Recorder()
        stack.database.changes.subscribe { _ in throw RefreshFailed() }
        stack.database.changes.subscribe { recorder.record($0) }

        let result = try await stack.database.perform(receipt(5, stack))

        #expect(result.entries.count == 1)
        let levels = try await StockStore().levels(point: Self.point, stack.database)
        #expect(levels.map(\.quantity) == [5])
        #expect(stack.database.changes.failureCount == 1)
        // The failing subscriber did not keep the next one from hearing of the commit.
        #expect(recorder.all == [[.stockOfSKU(point: Self.point, sku: "MAT-ONG")]])
        try await stack.tearDown()
    }

    @Test(arguments: TestEngine.all)
    func aTransactionThatRollsBackTellsNoOne(engine: TestEngine) async throws {
        let stack = try await TestCatalogStack.make(engine)
        try await makePoint(stack)
        let recorder = Recorder()
        stack.database.changes.subscribe { recorder.record($0) }
        // The first line sells (and announces its SKU), the second finds too little: all rolls back.
        _ = try await stack.database.perform(receipt(1, stack))
        recorder.reset()
        let sale = StockStore().sale(
            point: Self.point,
            lines: [SaleLine(sku: "MAT-ONG", quantity: 1, discount: 0), SaleLine(sku: "MAT-ONG", quantity: 5, discount: 0)],
            payment: .cash, actor: "test", at: stack.clock.now())
        await #expect(throws: DomainError.self) { try await stack.database.perform(sale) }
        await #expect(throws: RefreshFailed.self) {
            try await stack.database.transaction { sql in
                stack.database.announce(.fairs, in: sql)
                throw RefreshFailed()
            }
        }
        #expect(recorder.all.isEmpty)
        #expect(try await StockStore().levels(point: Self.point, stack.database).map(\.quantity) == [1])
        try await stack.tearDown()
    }

    @Test(arguments: TestEngine.all)
    func twoRacingWritesAreEachPublishedOnceWithTheirOwnNotices(engine: TestEngine) async throws {
        let stack = try await TestCatalogStack.make(engine)
        try await makePoint(stack)
        let recorder = Recorder()
        stack.database.changes.subscribe { recorder.record($0) }
        async let first: Void = stack.database.transaction { sql in stack.database.announce(.fairs, in: sql) }
        async let second: Void = stack.database.transaction { sql in stack.database.announce(.livestreams, in: sql) }
        _ = try await (first, second)
        #expect(recorder.all.count == 2)
        #expect(Set(recorder.all) == [[.fairs], [.livestreams]])
        try await stack.tearDown()
    }

    /// Two nodes on one PostgreSQL database: each applies its own commit at commit time and the
    /// other's through NOTIFY, and skips its own NOTIFY, so every node applies every change once.
    @Test func twoNodesEachApplyEveryChangeOnce() async throws {
        guard TestEngine.all.contains(.postgres) else { return }
        let stack = try await TestCatalogStack.make(.postgres, importFixture: false)
        let nodeA = stack.database
        let nodeB = try await Database.open(stack.url, logger: Logger(label: "node-b"), maxConnections: 4)
        let (busA, busB, heardA, heardB) = (Recorder(), Recorder(), Recorder(), Recorder())
        nodeA.changes.subscribe { busA.record($0) }
        nodeB.changes.subscribe { busB.record($0) }
        let listeners = Task {
            await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await nodeA.listenForChanges { heardA.record($0) } }
                group.addTask { try await nodeB.listenForChanges { heardB.record($0) } }
                try? await group.next()
            }
        }
        // Until both listen: each node sends a probe until the other hears one.
        for _ in 0..<100 where heardA.all.isEmpty || heardB.all.isEmpty {
            try await nodeA.transaction { sql in nodeA.announce(.listings, in: sql) }
            try await nodeB.transaction { sql in nodeB.announce(.listings, in: sql) }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(200))
        for recorder in [busA, busB, heardA, heardB] { recorder.reset() }

        try await nodeA.transaction { sql in
            nodeA.announce(.catalog, in: sql)
            nodeA.announce(.catalog, in: sql)  // said twice, applied once
            nodeA.announce(.stock(point: "diem-a"), in: sql)
        }
        try await nodeB.transaction { sql in nodeB.announce(.stockOfSKU(point: "diem-b", sku: "MAT-ONG"), in: sql) }
        for _ in 0..<100 where Set(heardA.all.flatMap { $0 }).count < 1 || Set(heardB.all.flatMap { $0 }).count < 2 {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))  // anything echoed back would have arrived by now

        #expect(busA.all == [[.catalog, .stock(point: "diem-a")]])
        #expect(busB.all == [[.stockOfSKU(point: "diem-b", sku: "MAT-ONG")]])
        #expect(heardB.all == [[.catalog, .stock(point: "diem-a")]])  // one NOTIFY for the commit
        #expect(heardA.all.flatMap { $0 } == [.stockOfSKU(point: "diem-b", sku: "MAT-ONG")])
        listeners.cancel()
        _ = await listeners.value
        try await nodeB.close()
        try await stack.tearDown()
    }

    @Test func aCommitsNoticesTravelInOnePayloadUnlessTheyOutgrowIt() {
        let few: Set<ChangeNotice> = [.catalog, .stockOfSKU(point: "diem-a", sku: "MAT-ONG")]
        let one = NoticeEnvelope.payloads(node: "n1", notices: few)
        #expect(one.count == 1)
        #expect(NoticeEnvelope(payload: one[0]).map { Set($0.notices) } == few)
        #expect(NoticeEnvelope(payload: one[0])?.node == "n1")
        // A large count sheet: thousands of SKUs, split under PostgreSQL's 8000-byte limit.
        let many = Set((0..<2000).map { ChangeNotice.stockOfSKU(point: "diem-a", sku: "SKU-\($0)") })
        let payloads = NoticeEnvelope.payloads(node: "n1", notices: many)
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { $0.utf8.count < 8000 })
        #expect(Set(payloads.compactMap(NoticeEnvelope.init(payload:)).flatMap(\.notices)) == many)
        // An older node's single notices, during a rolling upgrade.
        #expect(NoticeEnvelope(payload: "stock:diem-b")?.notices == [.stock(point: "diem-b")])
        #expect(NoticeEnvelope(payload: "catalog")?.notices == [.catalog])
        #expect(NoticeEnvelope(payload: "n1|nonsense") == nil)
    }
}
