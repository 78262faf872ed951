import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOEmbedded
import NIOHTTPTypesHTTP1
import OCOPDomain
import OCOPStorage
import Testing
import TestSupport

@testable import OCOPServer

/// The write path: read models follow commits by themselves, a failure to follow never turns a
/// committed write into an error, and the fast path's caches never serve an older catalog.
@Suite struct WritePathTests {
    struct RefreshFailed: Error {}

    @Test(arguments: TestEngine.all)
    func aSaleIsAnsweredAsCommittedWhenARefreshFailsAfterTheCommit(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            try await scene.receive(StockScene.hanoi, #"{"sku":"MAT-ONG","batch":"L1","quantity":3}"#)
            // A read model that fails to follow the commit (after the server's own follower).
            harness.stack.database.changes.subscribe { _ in throw RefreshFailed() }

            let headers: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "sale-1"]
            let body = #"{"payment_method":"cash","lines":[{"sku":"MAT-ONG","quantity":1}]}"#
            let sale = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.hanoiStaff, json: body, headers: headers)
            #expect(sale.status == .created, "\(String(buffer: sale.body))")
            #expect(harness.stack.database.changes.failureCount >= 1)
            #expect(try await scene.quantity(StockScene.hanoi, "MAT-ONG") == 2)
            // The product page shows the sale: the server's follower ran before the failing one.
            let page = try await client.get("/v1/products/mat-ong-bac-ha")
            #expect((page.json["available_at"] as? [[String: Any]])?.first?["in_stock"] as? Int == 2)

            // The client, not trusting the network, sends it again: the same answer, nothing sold twice.
            let retry = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.hanoiStaff, json: body, headers: headers)
            #expect(retry.status == .created)
            #expect(retry.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(String(buffer: retry.body) == String(buffer: sale.body))
            #expect(try await scene.quantity(StockScene.hanoi, "MAT-ONG") == 2)
        }
    }

    /// Corrections swap the catalog snapshot again and again; the cached list of 5★ products must
    /// always be the one of the current snapshot, and a revoked product never comes back.
    @Test func aCachedListIsNeverOneOfAnEarlierSnapshotAcrossManySwaps() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            // (product, certificate, issued on) of two products whose stars the office corrects.
            let honey = ("mat-ong-bac-ha", "03/GCN", "2025-05-10")
            let oranges = ("cam-sanh-hop-5kg", "02/GCN", "2024-12-18")
            // The fixture's other 5★ products stay; these two come and go.
            var fiveStars = Set(try await client.get("/v1/products?min_stars=5").slugs)
            #expect(fiveStars.contains(honey.0) && !fiveStars.contains(oranges.0))

            func correct(_ product: (String, String, String), toFive: Bool) async throws {
                let (stars, score) = toFive ? (5, 92) : (4, 75)
                let response = try await client.send(
                    .post, "/v1/products/\(product.0)/certificates/corrections", token: admin,
                    json: """
                        {"number":"\(product.1)","decision_number":"QĐ-\(product.1)","authority":"UBND tỉnh Tuyên Quang",
                         "stars":\(stars),"score":\(score),"issued_on":"\(product.2)"}
                        """)
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                if toFive { fiveStars.insert(product.0) } else { fiveStars.remove(product.0) }
            }
            func expectCachedList(_ step: Int) async throws {
                for _ in 0..<2 {  // the first answer fills the cache, the second comes from it
                    let listed = Set(try await client.get("/v1/products?min_stars=5").slugs)
                    #expect(listed == fiveStars, "step \(step)")
                }
            }

            try await expectCachedList(0)
            // Four states in turn, so an answer two snapshots old is always a wrong answer.
            for step in 1...24 {
                switch step % 4 {
                case 1: try await correct(oranges, toFive: true)
                case 2: try await correct(honey, toFive: false)
                case 3: try await correct(oranges, toFive: false)
                default: try await correct(honey, toFive: true)
                }
                try await expectCachedList(step)
            }

            let revoked = try await client.send(
                .post, "/v1/products/mat-ong-bac-ha/certificates/revocations", token: admin,
                json: #"{"number":"03/GCN","reason":"Vi phạm an toàn thực phẩm","decision_number":"99/QĐ-UBND"}"#)
            #expect(revoked.status == .ok)
            fiveStars.remove("mat-ong-bac-ha")
            for step in 25...40 {
                try await correct(oranges, toFive: step % 2 == 1)
                try await expectCachedList(step)
                #expect(!(try await client.get("/v1/products?limit=100").slugs.contains("mat-ong-bac-ha")))
            }
        }
    }

    /// The list cache keys answers by the snapshot's serial. Its address is no key: a snapshot built
    /// after an earlier one was freed is often allocated at the same place (this loop built its 50
    /// snapshots at one single address when it was written), and an address key then served the
    /// freed snapshot's list.
    @Test func aListCachedForOneSnapshotIsNeverAnswerForTheNext() async throws {
        let stack = try await TestCatalogStack.make()
        let contents = try await stack.store.load()
        let cache = ListAnswerCache()
        for build in 0..<50 {
            let snapshot = CatalogSnapshot(
                contents: contents, day: CatalogFixture.today, classification: BundledData.classification,
                localities: BundledData.localities)
            #expect(cache.answer("/v1/products", snapshot: snapshot.serial, stockVersion: 0) == nil, "build \(build)")
            let answer = CachedAnswer(status: .ok, etag: "\"\(build)\"", cacheControl: "no-cache", body: nil)
            cache.store("/v1/products", answer, snapshot: snapshot.serial, stockVersion: 0)
            #expect(cache.answer("/v1/products", snapshot: snapshot.serial, stockVersion: 0)?.etag == answer.etag)
        }
        try await stack.tearDown()
    }

    /// Tomorrow's snapshot is built ahead; the first request after midnight swaps it in instead of
    /// rebuilding, and a reload before midnight makes it stale rather than served.
    @Test func theFirstRequestAfterMidnightSwapsInTheSnapshotBuiltAhead() async throws {
        let stack = try await TestCatalogStack.make()
        let today = CatalogFixture.today
        let beforeMidnight = Moment(unixMilliseconds: today.adding(days: 1).startInVietnam.unixMilliseconds - 60_000)
        stack.clock.set(beforeMidnight)
        let readModel = CatalogReadModel(store: stack.store, clock: stack.clock)
        try await readModel.reload()

        let ahead = try await readModel.prepareNextDay()
        #expect(ahead.day == today.adding(days: 1))
        #expect(readModel.snapshot().day == today)  // still today until midnight
        stack.clock.set(today.adding(days: 1).startInVietnam.adding(seconds: 1))
        #expect(readModel.snapshot() === ahead)

        // Built ahead, then the catalog changed: the new day's snapshot is built from the new catalog.
        stack.clock.set(Moment(unixMilliseconds: today.adding(days: 2).startInVietnam.unixMilliseconds - 60_000))
        let staleAhead = try await readModel.prepareNextDay()
        try await readModel.reload()
        stack.clock.set(today.adding(days: 2).startInVietnam.adding(seconds: 1))
        let afterMidnight = readModel.snapshot()
        #expect(afterMidnight !== staleAhead)
        #expect(afterMidnight.day == today.adding(days: 2))
        try await stack.tearDown()
    }

    /// If Hummingbird lays its pipeline out differently one day, the fast path stands aside and the
    /// connection keeps Hummingbird's own pipeline, instead of every connection failing.
    @Test func theFastPathInstallsBeforeHummingbirdsCodecOrStandsAside() async throws {
        let harness = try await ServerHarness.make()
        let routes = CatalogFastRoutes(
            products: productsController(harness.dependencies),
            showroom: showroomController(harness.configuration, harness.dependencies), serverName: "ocop",
            metrics: RequestMetricsCache())
        let connections = ConnectionRegistry(limits: .testing)

        let bare = EmbeddedChannel()
        #expect(!CatalogHTTP1Channel.install(on: bare.pipeline.syncOperations, routes: routes, connections: connections))
        #expect((try? bare.pipeline.syncOperations.handler(type: CatalogFastPath.self)) == nil)

        let usual = EmbeddedChannel(handler: HTTP1ToHTTPServerCodec(secure: false))
        #expect(CatalogHTTP1Channel.install(on: usual.pipeline.syncOperations, routes: routes, connections: connections))
        #expect((try? usual.pipeline.syncOperations.handler(type: CatalogFastPath.self)) != nil)
        #expect((try? usual.pipeline.syncOperations.handler(type: ConnectionGuard.self)) != nil)
        _ = try? bare.finish()
        _ = try? usual.finish()
        try await harness.stack.tearDown()
    }
}
