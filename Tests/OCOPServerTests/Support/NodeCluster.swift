import CurlHTTP
import Foundation
import Logging
import OCOPStorage
import Testing
import TestSupport

/// Two nodes of `ocop serve` on a fresh PostgreSQL database, with an admin token.
struct NodeCluster: Sendable {
    let directory: TemporaryDirectory
    let fixture: CatalogFixture
    let databaseURL: String
    let nodes: [NodeProcess]
    let token: String
    let http = CurlTransport()

    var options: [String] {
        ["--database", databaseURL, "--catalog-dir", fixture.catalog.path, "--media-dir", fixture.media.path]
    }

    static func start() async throws -> NodeCluster {
        let directory = try TemporaryDirectory()
        let fixture = try CatalogFixture(in: directory)
        let url = try await TestEngine.postgres.freshDatabaseURL(in: directory).description
        let base = [
            "--database", url, "--catalog-dir", fixture.catalog.path, "--media-dir", fixture.media.path,
            "--allow-outbound-host", "127.0.0.1",  // the webhook receiver listens there
        ]
        // Both nodes start together on the empty database: one migrates and imports, the other waits.
        let nodes = try [NodeProcess(serve: base), NodeProcess(serve: base)]
        for node in nodes { try await node.waitUntilReady() }
        #expect(try NodeProcess.run(["user", "add", "office", "--role", "admin", "--database", url], input: "office-password-1\n") == 0)
        let login = try await CurlTransport().json(
            "POST", nodes[0].baseURL + "/v1/auth/login", body: #"{"username":"office","password":"office-password-1"}"#)
        let token = try #require(login.json["token"] as? String)
        return NodeCluster(directory: directory, fixture: fixture, databaseURL: url, nodes: nodes, token: token)
    }

    func stop() {
        for node in nodes { node.stop() }
        directory.remove()
    }

    func database() async throws -> Database {
        try await Database.open(DatabaseURL(databaseURL), logger: Logger(label: "test"), maxConnections: 2)
    }

    /// Polls `check` on a node until it holds or `within` passes; returns the time it took.
    func eventually(within: Duration, _ check: () async throws -> Bool) async throws -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < within {
            if try await check() { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(25))
        }
        return nil
    }
}
