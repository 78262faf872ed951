import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import OCOPDomain
import OCOPServer
import OCOPStorage
import Prometheus
import TestSupport

/// The real server over a real SQLite file holding the fixture catalog, driven over HTTP.
struct ServerHarness {
    let stack: TestCatalogStack
    let readModel: CatalogReadModel
    let stockReadModel: StockReadModel
    let dependencies: ServerDependencies

    static func make(_ engine: TestEngine = .sqlite) async throws -> ServerHarness {
        let stack = try await TestCatalogStack.make(engine)
        let readModel = CatalogReadModel(store: stack.store, clock: stack.clock)
        try await readModel.reload()
        let stockReadModel = StockReadModel(database: stack.database)
        try await stockReadModel.reload()
        let readiness = Readiness()
        readiness.markReady()
        let dependencies = ServerDependencies(
            database: stack.database, readModel: readModel, stockReadModel: stockReadModel, readiness: readiness,
            registry: PrometheusCollectorRegistry(), clock: stack.clock)
        return ServerHarness(
            stack: stack, readModel: readModel, stockReadModel: stockReadModel, dependencies: dependencies)
    }

    var configuration: ServerConfiguration {
        // The fakes and receivers listen on 127.0.0.1: the explicit exception an office would configure.
        ServerConfiguration(
            host: "127.0.0.1", port: 0, mediaDirectory: stack.fixture.media,
            outbound: OutboundPolicy(extraHosts: ["127.0.0.1"]))
            .withTestConnections()
    }

    /// Starts the server on a free port of 127.0.0.1 and runs `body` with a client for it.
    static func run(
        _ engine: TestEngine = .sqlite, auth: AuthSettings = .testing, connections: ConnectionLimits = .testing,
        _ body: @Sendable (ServerHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let harness = try await make(engine)
        var configuration = harness.configuration
        configuration.auth = auth
        configuration.connections = connections
        let app = buildApplication(
            configuration: configuration, dependencies: harness.dependencies, logger: Logger(label: "test"))
        do {
            try await app.test(.live) { client in try await body(harness, client) }
        } catch {
            try await harness.stack.tearDown()
            throw error
        }
        try await harness.stack.tearDown()
    }
}

/// Reading answers in tests.
extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }

    var slugs: [String] { items.compactMap { $0["slug"] as? String } }

    /// The field names of a problem+json answer's `errors`.
    var problemFields: [String] {
        (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }
}

extension TestClientProtocol {
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers) { $0 }
    }

    /// Follows `next_cursor` from the first page and returns every slug in the order served.
    func allPages(_ path: String) async throws -> [String] {
        var slugs: [String] = []
        var cursor: String?
        let separator = path.contains("?") ? "&" : "?"
        for _ in 0..<100 {
            let uri = cursor.map { path + separator + "cursor=" + $0 } ?? path
            let response = try await get(uri)
            guard response.status == .ok else { throw DomainError(.invalid, "\(uri) answered \(response.status)") }
            slugs += response.slugs
            guard let next = response.json["next_cursor"] as? String else { return slugs }
            cursor = next
        }
        throw DomainError(.invalid, "pagination never ended")
    }
}

extension ConnectionLimits {
    /// The test client keeps one connection and never reconnects; on a loaded machine a test can
    /// leave it quiet for longer than the production idle timeout, so tests wait ten minutes.
    static var testing: ConnectionLimits { ConnectionLimits(idleTimeout: .seconds(600)) }
}

extension ServerConfiguration {
    func withTestConnections() -> ServerConfiguration {
        var configuration = self
        configuration.connections = .testing
        return configuration
    }
}
