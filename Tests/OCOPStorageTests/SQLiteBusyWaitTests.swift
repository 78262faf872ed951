import Foundation
import SQLiteNIO
import Testing

@testable import OCOPStorage

/// The server's writer waits for another connection's lock (the checkpointer's rewind of the log, a
/// backup) instead of failing the request, and gives up once its time is spent.
@Suite struct SQLiteBusyWaitTests {
    static func twoConnections() throws -> (holder: SQLiteHandle, writer: SQLiteHandle, cleanup: () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-busy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("shop.sqlite").path
        let holder = try SQLiteHandle(path: path)
        try holder.run("PRAGMA journal_mode = WAL", []) { _ in }
        try holder.run("CREATE TABLE notes (body TEXT)", []) { _ in }
        let writer = try SQLiteHandle(path: path)
        return (holder, writer, {
            holder.close()
            writer.close()
            try? FileManager.default.removeItem(at: directory)
        })
    }

    @Test func aWriterWaitsForTheLockAndWritesOnceItIsFree() throws {
        let (holder, writer, cleanup) = try Self.twoConnections()
        defer { cleanup() }
        writer.pollWhenBusy(milliseconds: 5_000)
        try holder.run("BEGIN IMMEDIATE", []) { _ in }
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(30)) {
            try? holder.run("COMMIT", []) { _ in }
            released.signal()
        }
        try writer.run("BEGIN IMMEDIATE", []) { _ in }  // waits for the holder's COMMIT
        try writer.run("INSERT INTO notes (body) VALUES ('sold')", []) { _ in }
        try writer.run("COMMIT", []) { _ in }
        released.wait()
        var count = 0
        try writer.run("SELECT count(*) AS n FROM notes", []) { row in
            if case .integer(let n) = row.value("n") { count = n }
        }
        #expect(count == 1)
    }

    @Test func aWriterGivesUpWhenTheLockIsHeldPastItsWait() throws {
        let (holder, writer, cleanup) = try Self.twoConnections()
        defer { cleanup() }
        writer.pollWhenBusy(milliseconds: 40)
        try holder.run("BEGIN IMMEDIATE", []) { _ in }
        let started = ContinuousClock.now
        #expect {
            try writer.run("BEGIN IMMEDIATE", []) { _ in }
        } throws: { error in
            (error as? SQLiteStatementError).map { $0.code & 0xFF == 5 } ?? false  // SQLITE_BUSY
        }
        // It did wait (a lower bound only: how fast it gives up is not a correctness matter).
        #expect(ContinuousClock.now - started >= .milliseconds(40))
        try holder.run("ROLLBACK", []) { _ in }
    }
}
