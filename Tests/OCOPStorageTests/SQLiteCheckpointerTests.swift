import Foundation
import Logging
import OCOPStorage
import SQLKit
import Testing

/// The server's background checkpointer copies the write-ahead log into the database file by
/// itself, so that no commit has to.
@Suite struct SQLiteCheckpointerTests {
    @Test func theBackgroundCheckpointerCopiesTheLogWhileWritesGoOn() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-ckpt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("shop.sqlite").path
        let database = try await Database.open(try DatabaseURL("sqlite:" + path), logger: Logger(label: "test"))
        try await database.checkpointInBackground(every: .milliseconds(20))
        try await database.transaction { sql in
            try await sql.raw("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").run()
        }
        // Writes spread over time, as a till's are: each commit adds pages to the log.
        let deadline = ContinuousClock.now + .seconds(20)
        var written = 0
        while (database.backgroundCheckpoints ?? 0) < 3, ContinuousClock.now < deadline {
            try await database.transaction { sql in
                try await sql.raw("INSERT INTO notes (body) VALUES (\(bind: String(repeating: "x", count: 2_000)))").run()
            }
            written += 1
            if written % 50 == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect((database.backgroundCheckpoints ?? 0) >= 3, "the checkpointer copied nothing in \(written) commits")
        try await database.close()
    }
}
