import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import OCOPDomain
import OCOPStorage
import Synchronization
import Testing
import TestSupport

/// `ocop backup` and `ocop restore` (issue 17, item 19): a copy taken while sales go on is
/// consistent, verified, and comes back whole.
@Suite struct BackupTests {
    @Test func aBackupDuringSalesIsConsistentAndRestoresWhole() async throws {
        try await ServerHarness.run(.sqlite) { harness, client in
            let stock = try await StockScene.make(harness, client)
            try await stock.receive(StockScene.hanoi, #"{"sku":"CAM-5KG","batch":"L1","quantity":400}"#)
            let path = harness.stack.directory.path("ocop.sqlite").path
            let backup = harness.stack.directory.path("backup.sqlite").path
            let restored = harness.stack.directory.path("restored.sqlite").path

            // Sales keep coming while the copy is taken.
            let acknowledged = SaleCounter()
            let report = try await withThrowingTaskGroup(of: BackupReport?.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        for sale in 0..<25 {
                            let response = try await client.send(
                                .post, "/v1/points/\(StockScene.hanoi)/sales", token: stock.hanoiStaff,
                                json: #"{"payment_method":"cash","lines":[{"sku":"CAM-5KG","quantity":1}]}"#)
                            #expect(response.status == .created, "sale \(worker)-\(sale)")
                            acknowledged.count.add(1, ordering: .relaxed)
                        }
                        return nil
                    }
                }
                group.addTask {
                    // Once some sales are in, while the rest are still coming.
                    while acknowledged.count.load(ordering: .relaxed) < 10 { try await Task.sleep(for: .milliseconds(5)) }
                    return try await offTheCooperativePool { try SQLiteBackup.backup(from: path, to: backup) }
                }
                var made: BackupReport?
                for try await result in group { if let result { made = result } }
                return try #require(made)
            }
            let sales = try #require(report.rowsByTable.first { $0.table == "sales" }?.rows)
            #expect(sales > 0 && sales <= 100, "\(sales) sales in the copy")
            #expect(report.levelsChecked > 0)

            // A copy never overwrites, and a restore goes only into an empty database.
            #expect(throws: DomainError.self) { try SQLiteBackup.backup(from: path, to: backup) }
            #expect(throws: DomainError.self) { try SQLiteBackup.restore(from: backup, to: path) }

            let back = try SQLiteBackup.restore(from: backup, to: restored)
            #expect(back.rowsByTable.map(\.rows) == report.rowsByTable.map(\.rows))
            let database = try await Database.open(try DatabaseURL("sqlite:" + restored), logger: Logger(label: "test"))
            let levels = try await StockStore().levels(point: StockScene.hanoi, database)
            #expect(levels.filter { $0.sku == "CAM-5KG" }.reduce(0) { $0 + $1.quantity } == 400 - sales)
            #expect(try await StockStore().ledgerMismatches(database).isEmpty)
            try await database.close()
        }
    }

    @Test func aDamagedBackupIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let broken = directory.path("broken.sqlite").path
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: broken))
        #expect(throws: (any Error).self) {
            try SQLiteBackup.restore(from: broken, to: directory.path("restored.sqlite").path)
        }
    }

    private func offTheCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
