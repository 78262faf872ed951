import CurlHTTP
import Foundation
import Logging
import OCOPStorage
import SQLKit
import Synchronization
import Testing
import TestSupport
import MarketplaceFakes

/// The server killed with SIGKILL mid-work (issue 17, item 18): what it acknowledged is kept, what it
/// did not is not half-applied, the books balance, the file is intact, an import is all or nothing,
/// and pending outbox work resumes. Runs with the multi-node suite, on its own (scripts/test).
@Suite(.serialized) struct CrashSafetyTests {
    /// A node on its own SQLite file with the fixture catalog, an admin token and two points.
    struct Site {
        let directory: TemporaryDirectory
        let fixture: CatalogFixture
        let path: String
        var options: [String] {
            ["--database", "sqlite:" + path, "--catalog-dir", fixture.catalog.path, "--media-dir", fixture.media.path]
        }
        let http = CurlTransport()

        init() throws {
            directory = try TemporaryDirectory()
            fixture = try CatalogFixture(in: directory)
            path = directory.path("ocop.sqlite").path
        }

        func start() async throws -> NodeProcess {
            let node = try NodeProcess(serve: options + ["--allow-outbound-host", "127.0.0.1"])
            try await node.waitUntilReady()
            return node
        }

        func token(_ node: NodeProcess) async throws -> String {
            try NodeProcess.run(["user", "add", "office", "--role", "admin"] + options, input: "office-password-1\n")
            let login = try await http.json(
                "POST", node.baseURL + "/v1/auth/login", body: #"{"username":"office","password":"office-password-1"}"#)
            return try #require(login.json["token"] as? String)
        }

        func addPoint(_ slug: String, _ node: NodeProcess, _ token: String) async throws {
            let point = #"{"slug":"\#(slug)","name":"Điểm \#(slug)","location_type":"post_office","address":"1","province":"01","opening_hours":"8-17"}"#
            #expect(try await http.json("POST", node.baseURL + "/v1/points", token: token, body: point).status == 201)
        }
    }

    /// Answers the load received: request key → the body the server acknowledged.
    final class Acknowledged: Sendable {
        let bodies = Mutex<[String: [UInt8]]>([:])
    }

    @Test func acknowledgedSalesAndTransfersSurviveAKillAndNothingIsHalfApplied() async throws {
        let site = try Site()
        defer { site.directory.remove() }
        let first = try await site.start()
        defer { first.kill() }
        var node = first
        let token = try await site.token(node)
        try await site.addPoint("diem-a", node, token)
        try await site.addPoint("diem-b", node, token)
        let receipt = #"{"lines":[{"sku":"MAT-ONG","batch":"B1","quantity":2000}]}"#
        #expect(try await site.http.json("POST", node.baseURL + "/v1/points/diem-a/receipts", token: token, body: receipt).status == 201)

        let sales = Acknowledged()
        let transfers = Acknowledged()
        let base = node.baseURL
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for n in 0..<400 {
                        let key = "sale-\(worker)-\(n)"
                        let sale = #"{"payment_method":"cash","lines":[{"sku":"MAT-ONG","quantity":1}]}"#
                        guard let response = try? await site.http.json(
                            "POST", base + "/v1/points/diem-a/sales", token: token, body: sale,
                            headers: [("Idempotency-Key", key)])
                        else { return }  // the server is gone
                        if response.status == 201 { sales.bodies.withLock { $0[key] = response.body } }
                    }
                }
            }
            group.addTask {
                for n in 0..<400 {
                    let key = "transfer-\(n)"
                    let transfer = #"{"from":"diem-a","to":"diem-b","lines":[{"sku":"MAT-ONG","quantity":1}]}"#
                    guard let response = try? await site.http.json(
                        "POST", base + "/v1/transfers", token: token, body: transfer, headers: [("Idempotency-Key", key)])
                    else { return }
                    if response.status == 201 { transfers.bodies.withLock { $0[key] = response.body } }
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(1500))
                first.kill()
            }
        }
        let acknowledgedSales = sales.bodies.withLock { $0 }
        let acknowledgedTransfers = transfers.bodies.withLock { $0 }
        #expect(!acknowledgedSales.isEmpty && acknowledgedSales.count < 1600, "the kill came mid-load")

        // The file is intact and the books balance, before any restart repairs anything.
        let check = try SQLiteBackup.verify(site.path, expected: nil)
        #expect(check.levelsChecked > 0)

        node = try await site.start()
        defer { node.stop() }
        // Every acknowledged write is there: its retry answers the very same body and sells nothing new.
        let salesBefore = check.rowsByTable.first { $0.table == "sales" }?.rows ?? -1
        for (key, body) in acknowledgedSales.sorted(by: { $0.key < $1.key }).prefix(40) {
            let sale = #"{"payment_method":"cash","lines":[{"sku":"MAT-ONG","quantity":1}]}"#
            let replay = try await site.http.json(
                "POST", node.baseURL + "/v1/points/diem-a/sales", token: token, body: sale, headers: [("Idempotency-Key", key)])
            #expect(replay.body == body, "\(key) was acknowledged but is not kept")
        }
        for (key, body) in acknowledgedTransfers.sorted(by: { $0.key < $1.key }).prefix(20) {
            let transfer = #"{"from":"diem-a","to":"diem-b","lines":[{"sku":"MAT-ONG","quantity":1}]}"#
            let replay = try await site.http.json(
                "POST", node.baseURL + "/v1/transfers", token: token, body: transfer, headers: [("Idempotency-Key", key)])
            #expect(replay.body == body, "\(key) was acknowledged but is not kept")
        }
        node.stop()
        let after = try SQLiteBackup.verify(site.path, expected: nil)
        #expect(after.rowsByTable.first { $0.table == "sales" }?.rows == salesBefore)
        // Nothing half-applied: every sale row has its ledger rows and every ledger sale its sale.
        let database = try await Database.open(try DatabaseURL("sqlite:" + site.path), logger: .init(label: "test"))
        let orphans = try await database.read { sql in
            try await sql.raw(
                """
                SELECT (SELECT COUNT(*) FROM sales s WHERE NOT EXISTS
                        (SELECT 1 FROM stock_ledger g WHERE g.reference = 'sale:' || s.point_slug || ':' || s.receipt_number)) +
                    (SELECT COUNT(*) FROM stock_ledger g WHERE g.kind = 'sale' AND NOT EXISTS
                        (SELECT 1 FROM sales s WHERE 'sale:' || s.point_slug || ':' || s.receipt_number = g.reference)) AS n
                """
            ).first()?.decode(column: "n", as: Int.self) ?? -1
        }
        try await database.close()
        #expect(orphans == 0)
    }

    @Test func anImportKilledMidwayLeavesTheCatalogAsItWas() async throws {
        let site = try Site()
        defer { site.directory.remove() }
        #expect(try NodeProcess.run(["import"] + site.options) == 0)
        let before = try SQLiteBackup.verify(site.path, expected: nil).rowsByTable.first { $0.table == "products" }?.rows
        // Thousands more products, so that the import is still writing when it is killed.
        let template = try String(
            contentsOf: site.fixture.catalog.appendingPathComponent("products/san-pham-thu-1.yaml"), encoding: .utf8)
        for n in 0..<4000 {
            let text = template.replacingOccurrences(of: "san-pham-thu-1", with: "hang-nhap-\(n)")
                .replacingOccurrences(of: "THU-1", with: "NHAP-\(n)")
            try site.directory.write(text, to: "catalog/products/hang-nhap-\(n).yaml")
        }
        let process = Process()
        process.executableURL = NodeProcess.binary
        process.arguments = ["import", "--log-level", "warning"] + site.options
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .milliseconds(700))
        let killedMidway = process.isRunning
        if killedMidway { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()

        let products = try SQLiteBackup.verify(site.path, expected: nil).rowsByTable.first { $0.table == "products" }?.rows
        #expect(products == before || products == (before ?? 0) + 4000, "half an import: \(products ?? -1) products")
        #expect(killedMidway, "the import ended within 0.7 s: nothing was killed midway")
        if killedMidway { #expect(products == before) }
        // The next import finds the same files and brings them in whole.
        #expect(try NodeProcess.run(["import"] + site.options) == 0)
        let complete = try SQLiteBackup.verify(site.path, expected: nil).rowsByTable.first { $0.table == "products" }?.rows
        #expect(complete == (before ?? 0) + 4000)
    }

    @Test func pendingOutboxWorkIsDeliveredAfterAKill() async throws {
        try await FakeReceiver().run { receiver in
            let site = try Site()
            defer { site.directory.remove() }
            receiver.statusByPath.withLock { $0["/hook"] = 503 }
            var node = try await site.start()
            defer { node.stop() }
            let token = try await site.token(node)
            let hook = #"{"event":"catalog.changed","url":"\#(receiver.baseURL)/hook","secret":"0123456789abcdef"}"#
            #expect(try await site.http.json("POST", node.baseURL + "/v1/webhooks", token: token, body: hook).status == 201)
            let file = site.fixture.catalog.appendingPathComponent("products/gom-men-lam.yaml")
            let text = try String(contentsOf: file, encoding: .utf8).replacing(#/price: \d+/#, with: "price: 1234000")
            try Data(text.utf8).write(to: file)
            #expect(try NodeProcess.run(["import"] + site.options) == 0)
            _ = try await receiver.waitFor(1)  // the first try, refused with 503: the job waits to retry
            // Killed once the failure is recorded and before the retry (2 s ± 20%): the job is pending.
            // (Killed mid-delivery, it would wait for its 60 s lease instead, as a dead node's job does.)
            try await Task.sleep(for: .milliseconds(400))
            node.kill()

            receiver.statusByPath.withLock { $0["/hook"] = 200 }
            let tried = receiver.requests.count
            node = try await site.start()
            let deliveries = try await receiver.waitFor(tried + 1, timeout: .seconds(20))
            #expect(deliveries.count == tried + 1, "the pending job did not resume after the restart")
        }
    }

    /// Runs here because it needs a real `ocop serve`: only the executable sets up Prometheus metrics.
    @Test func metricsCountTheStatusTheClientGot() async throws {
        let site = try Site()
        defer { site.directory.remove() }
        let node = try await site.start()
        defer { node.stop() }
        let token = try await site.token(node)
        #expect(try await site.http.json("GET", node.baseURL + "/v1/points/khong-co", token: token).status == 404)
        let bad = try await site.http.json("POST", node.baseURL + "/v1/points", token: token, body: #"{"slug":"Không hợp lệ"}"#)
        #expect(bad.status == 400)
        let metrics = String(decoding: try await site.http.json("GET", node.baseURL + "/metrics").body, as: UTF8.self)
        let lines = metrics.split(separator: "\n").filter { $0.hasPrefix("hb_requests") && $0.contains("/v1/points") }
        #expect(lines.contains { $0.contains("/v1/points/{slug}") && $0.contains(#"status_code="404""#) }, "\(lines)")
        #expect(lines.contains { $0.contains(#"status_code="400""#) }, "\(lines)")
        #expect(!lines.contains { $0.contains(#"status_code="500""#) }, "\(lines)")
    }
}
