import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import OCOPServer
import OCOPStorage
import Synchronization
import Testing
import TestSupport

/// A live server with a secret key, the fake Shopee on 127.0.0.1 sharing the test clock, and the
/// sync engine run one cycle at a time by the test (the background worker is off unless asked).
struct MarketplaceScene {
    let stock: StockScene
    let engine: MarketplaceSyncEngine
    let fake: FakeShopee
    /// Fakes of other marketplaces the test asked for, sharing the clock.
    let others: [Marketplace: any MarketplaceFake]
    let logs: CapturedLogs
    let dependencies: ServerDependencies
    let configuration: ServerConfiguration

    var harness: ServerHarness { stock.harness }
    var client: any TestClientProtocol { stock.client }
    var admin: String { stock.admin }
    var clock: ManualWallClock { harness.stack.clock }
    var database: Database { harness.stack.database }

    /// The point the accounts sell from, and the product most tests list (4★, group I.1.a, 250,000 đ).
    static let point = StockScene.tuyenQuang
    static let product = "cam-sanh-hop-5kg"
    static let sku = "CAM-5KG"

    static func run(
        _ engine: TestEngine, background: Bool = false, requestTimeout: Duration = .seconds(5),
        others: [Marketplace] = [], _ body: @Sendable (MarketplaceScene) async throws -> Void
    ) async throws {
        let harness = try await ServerHarness.make(engine)
        let logs = CapturedLogs()
        let logger = Logger(label: "marketplace-test") { _ in CapturingLogHandler(logs: logs) }
        var dependencies = harness.dependencies
        dependencies.marketplaceSecrets = MarketplaceSecretBox(base64Key: MarketplaceSecretBox.newBase64Key())
        dependencies.marketplaceSync.runsInBackground = background
        dependencies.marketplaceSync.pollInterval = .milliseconds(50)
        dependencies.marketplaceSync.requestTimeout = requestTimeout
        var configuration = harness.configuration
        configuration.auth = .testing
        configuration.publicBaseURL = "https://ocop.example"
        let app = buildApplication(configuration: configuration, dependencies: dependencies, logger: logger)
        let syncEngine = try #require(marketplaceSyncEngine(configuration, dependencies, logger))
        let fake = try await FakeShopee.start(clock: harness.stack.clock)
        var started: [Marketplace: any MarketplaceFake] = [:]
        for marketplace in others { started[marketplace] = try await Self.startFake(marketplace, clock: harness.stack.clock) }
        let finalDependencies = dependencies
        let otherFakes = started
        let finalConfiguration = configuration
        do {
            try await app.test(.live) { client in
                let stock = try await StockScene.make(harness, client)
                try await body(
                    MarketplaceScene(
                        stock: stock, engine: syncEngine, fake: fake, others: otherFakes, logs: logs,
                        dependencies: finalDependencies, configuration: finalConfiguration))
            }
        } catch {
            await fake.stop()
            for other in started.values { await other.stop() }
            try await harness.stack.tearDown()
            throw error
        }
        await fake.stop()
        for other in started.values { await other.stop() }
        try await harness.stack.tearDown()
    }

    static func startFake(_ marketplace: Marketplace, clock: ManualWallClock) async throws -> any MarketplaceFake {
        try await FakeMarketplaces.start(marketplace, clock: clock)
    }

    // MARK: - Steps

    /// Creates a Shopee account on the fake through the API and returns its id.
    func createAccount(
        name: String = "Gian hàng Vĩnh Tuy", ratio: String = "1", buffer: Int = 0, token: String? = nil,
        credentials: [String: String]? = nil, owner: String? = nil, on platform: (any MarketplaceFake)? = nil
    ) async throws -> Int {
        let response = try await client.send(
            .post, "/v1/marketplace-accounts", token: token ?? admin,
            json: accountJSON(
                name: name, ratio: ratio, buffer: buffer, credentials: credentials, owner: owner, on: platform))
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return try #require(response.json["id"] as? Int)
    }

    func accountJSON(
        name: String, ratio: String = "1", buffer: Int = 0, credentials: [String: String]? = nil, owner: String? = nil,
        on platform: (any MarketplaceFake)? = nil
    ) -> String {
        let fake = platform ?? self.fake
        let values = credentials ?? fake.credentials.values
        let expiry = fake.credentials.accessTokenExpiresAt.map { $0.unixMilliseconds / 1000 } ?? 0
        // Shopee's attributes are numeric ids; other platforms name theirs.
        let attributes = fake.marketplace == .shopee ? #"{"100037":"Việt Nam"}"# : #"{"origin":"Việt Nam"}"#
        let credentialJSON = values.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
            .joined(separator: ",")
        return """
            {"marketplace":"\(fake.marketplace.rawValue)","name":"\(name)","base_url":"\(fake.baseURL)","credentials":{\(credentialJSON)},
             "access_token_expires_at":\(expiry),"point":"\(Self.point)","stock_ratio":\(ratio),"stock_buffer":\(buffer),
             "category_map":{"I.1.a":"100629","I.3.b":"100630","I.5.a":"100631","IV.1":"100640"},
             "attribute_defaults":\(attributes)\(owner.map { #","owner":"\#($0)""# } ?? "")}
            """
    }

    /// Lists a product on an account through the API and returns the listing id.
    func createListing(account: Int, product: String = product, token: String? = nil) async throws -> Int {
        let response = try await client.send(
            .post, "/v1/listings", token: token ?? admin, json: #"{"account":\#(account),"product":"\#(product)"}"#)
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return try #require(response.json["id"] as? Int)
    }

    func listing(_ id: Int, token: String? = nil) async throws -> [String: Any] {
        let response = try await client.send(.get, "/v1/listings/\(id)", token: token ?? admin)
        #expect(response.status == .ok)
        return response.json
    }

    func sell(_ quantity: Int, sku: String = sku, token: String? = nil) async throws {
        let response = try await client.send(
            .post, "/v1/points/\(Self.point)/sales", token: token ?? stock.staff(Self.point),
            json: #"{"payment_method":"cash","lines":[{"sku":"\#(sku)","quantity":\#(quantity)}]}"#)
        #expect(response.status == .created, "\(String(buffer: response.body))")
    }

    func receive(_ quantity: Int, sku: String = sku) async throws {
        try await stock.receive(Self.point, #"{"sku":"\#(sku)","quantity":\#(quantity)}"#)
    }

    /// Requests the fake received on `path` so far.
    func requests(to path: String) -> Int { fake.requestPaths.filter { $0.hasSuffix(path) }.count }

    /// Another node's engine on the same database, for races between workers.
    func otherNode(_ name: String) throws -> MarketplaceSyncEngine {
        var other = dependencies
        other.workerName = name
        return try #require(marketplaceSyncEngine(configuration, other, Logger(label: name)))
    }

    /// Moves the shared clock (server, engine and fake) forward.
    func advance(seconds: Int64) { clock.set(clock.now().adding(seconds: seconds)) }

    /// The outbox rows of one listing, by kind.
    func outbox(_ listing: Int) async throws -> [String] {
        try #require(try await self.listing(listing)["pending_pushes"] as? [String])
    }
}

/// Every log line the server and the engine wrote in a test, to check what they never say.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

struct CapturingLogHandler: LogHandler {
    let logs: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        let merged = self.metadata.merging(metadata ?? [:]) { $1 }
        logs.append("\(level) \(message) \(merged)")
    }
}
