import Foundation
import Logging
public import OCOPStorage

/// The engines the storage and API suites run on: SQLite always, PostgreSQL when a cluster is up
/// (`scripts/test` starts one and sets `OCOP_TEST_POSTGRES_URL`).
public enum TestEngine: String, Sendable, CustomStringConvertible, CaseIterable {
    case sqlite, postgres

    /// The admin URL of the test cluster, if there is one.
    public static let postgresURL: String? = ProcessInfo.processInfo.environment["OCOP_TEST_POSTGRES_URL"]

    /// The engines available in this run. Without PostgreSQL the run says so, loudly, once.
    /// `OCOP_TEST_ENGINES=sqlite` or `=postgres` runs one engine only: `scripts/test` runs the two
    /// passes one after the other, which halves the live servers a test process runs at once.
    public static let all: [TestEngine] = {
        if let only = ProcessInfo.processInfo.environment["OCOP_TEST_ENGINES"] {
            let chosen = only.split(separator: ",").compactMap { TestEngine(rawValue: String($0)) }
            return chosen.filter { $0 == .sqlite || postgresURL != nil }
        }
        guard postgresURL != nil else {
            FileHandle.standardError.write(
                Data(
                    """
                    \n*** PostgreSQL tests are SKIPPED: OCOP_TEST_POSTGRES_URL is not set. ***
                    *** Run scripts/test (it starts a throwaway cluster) to test both engines. ***\n\n
                    """.utf8))
            return [.sqlite]
        }
        return [.sqlite, .postgres]
    }()

    public var description: String { rawValue }

    /// A fresh, empty database of this engine: an SQLite file in `directory`, or a new database in
    /// the PostgreSQL test cluster.
    public func freshDatabaseURL(in directory: TemporaryDirectory) async throws -> DatabaseURL {
        switch self {
        case .sqlite:
            return try DatabaseURL("sqlite:" + directory.path("ocop.sqlite").path)
        case .postgres:
            guard let admin = Self.postgresURL else { throw TestEngineError.postgresUnavailable }
            let name = "ocop_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let server = try await Database.open(DatabaseURL(admin), logger: Logger(label: "test"), maxConnections: 1)
            try await server.createDatabase(named: name)
            try await server.close()
            guard var components = URLComponents(string: admin) else { throw TestEngineError.postgresUnavailable }
            components.path = "/" + name
            return try DatabaseURL(components.string!)
        }
    }
}

public enum TestEngineError: Error {
    case postgresUnavailable
}
