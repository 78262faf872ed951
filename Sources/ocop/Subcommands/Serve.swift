import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import NIOPosix
import OCOPDomain
import OCOPServer
import OCOPStorage
import Prometheus

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP service. On a fresh database it migrates and imports the catalog folder first.")

    @OptionGroup var options: CommonOptions

    @Option(help: "Address to listen on [env OCOP_HOST, default 127.0.0.1]")
    var host: String?

    @Option(help: "Port to listen on [env OCOP_PORT, default 8080]")
    var port: Int?

    @Option(help: "Public address printed in stamp URLs [env OCOP_PUBLIC_URL, default http://HOST:PORT]")
    var publicURL: String?

    @Option(
        name: .customLong("allow-outbound-host"),
        help: """
            A host marketplace accounts may name besides the platforms' official ones, and that webhooks may \
            reach on a private address: for sandboxes and local fakes; repeatable \
            [env OCOP_ALLOW_OUTBOUND_HOSTS, comma-separated]
            """)
    var allowedOutboundHosts: [String] = []

    @Option(help: "Seconds a client connection may stay without a request in progress [default 20]")
    var idleTimeout: Int?

    @Option(help: "Open client connections at most [default: the descriptor limit less 512]")
    var maxConnections: Int?

    @Option(help: "File holding the base64 32-byte key that seals marketplace credentials [env OCOP_SECRET_KEY]")
    var secretKeyFile: String?

    @Option(help: "Megabytes kept of compressed pages and JSON answers [default \(CompressedBodyCache.defaultMegabytes)]")
    var answerCacheMb: Int?

    func run() async throws {
        limitMallocArenas()
        // Swift concurrency's jobs run on NIO's event loops instead of a pool of their own: a request
        // then no longer hops between the loop that read it and a pool thread that answers it.
        // Measured on product pages: see docs/decisions.md.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        ShowroomTemplates.parseInTheBackground()
        let environment = ProcessInfo.processInfo.environment
        let logger = try options.bootstrapLogging()
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let portText = environment["OCOP_PORT"]
        guard let port = port ?? (portText.map { Int($0) } ?? 8080), (0...65535).contains(port) else {
            throw ValidationError("OCOP_PORT: '\(portText ?? "")' is not a port number")
        }
        let listenHost = host ?? environment["OCOP_HOST"] ?? "127.0.0.1"
        var configuration = ServerConfiguration(
            host: listenHost, port: port, mediaDirectory: options.mediaDirectory,
            publicBaseURL: publicURL ?? environment["OCOP_PUBLIC_URL"] ?? "http://\(listenHost):\(port)",
            outbound: OutboundPolicy(
                extraHosts: Set(
                    allowedOutboundHosts.isEmpty
                        ? (environment["OCOP_ALLOW_OUTBOUND_HOSTS"] ?? "").split(separator: ",").map {
                            $0.trimmingCharacters(in: .whitespaces)
                        }.filter { !$0.isEmpty } : allowedOutboundHosts)))
        if let idleTimeout {
            guard (1...86_400).contains(idleTimeout) else { throw ValidationError("--idle-timeout: 1 to 86400 seconds") }
            configuration.connections.idleTimeout = .seconds(idleTimeout)
        }
        if let maxConnections {
            guard (16...1_000_000).contains(maxConnections) else { throw ValidationError("--max-connections: 16 to 1000000") }
            configuration.connections.maxConnections = maxConnections
        }
        if let answerCacheMb {
            guard (1...65_536).contains(answerCacheMb) else { throw ValidationError("--answer-cache-mb: 1 to 65536") }
            CompressedBodyCache.limitShared(megabytes: answerCacheMb)
        }
        let clock = SystemWallClock()
        let database = try await options.openMigratedDatabase(logger: logger)
        try await database.checkpointInBackground()
        do {
            try await serve(configuration, database: database, registry: registry, clock: clock, logger: logger)
        } catch {
            try? await database.close()  // a taken port, a broken catalog: close cleanly, then report
            throw error
        }
        try await database.close()
    }

    private func serve(
        _ configuration: ServerConfiguration, database: Database, registry: PrometheusCollectorRegistry,
        clock: any WallClock, logger: Logger
    ) async throws {
        let store = CatalogStore(database: database)
        // Nodes starting together on one PostgreSQL: one imports, the others then find it done.
        try await database.withExclusiveStartupLock {
            if try await store.isEmpty() {
                try await importFirstCatalog(store: store, logger: logger, clock: clock)
            }
            // The demo programme year (plans, rounds, dossiers), when the catalog folder has one and
            // the database has none of its own yet.
            // It is demo data: one that does not fit this database is left out, and the service starts.
            do {
                if let seed = try ProgrammeSeed.load(catalogDirectory: options.catalogDirectory) {
                    let applied = try await seed.apply(to: database, actor: "serve:first-start", at: clock.now())
                    if applied.plans + applied.dossiers > 0 {
                        logger.info(
                            "loaded the programme's plans", metadata: ["plans": "\(applied.plans)", "dossiers": "\(applied.dossiers)"])
                    }
                }
            } catch {
                logger.warning("left out the demo programme data", metadata: ["error": "\(error)"])
            }
        }
        let loadStarted = ContinuousClock.now
        let readModel = CatalogReadModel(store: store, clock: clock)
        let stockReadModel = StockReadModel(database: database)
        // Both loads together: the catalog is built on Dispatch threads (`offTheEventLoops`), so the stock
        // load reads the database meanwhile instead of queueing behind it on an event loop.
        async let catalogLoaded: Void = readModel.reload()
        async let stockLoaded: Void = stockReadModel.reload()
        try await catalogLoaded
        try await stockLoaded
        let readiness = Readiness()
        readiness.markReady()
        let databaseURL = try options.databaseURL()
        // Marketplace credentials are sealed with this key; a malformed key stops the start-up.
        let marketplaceSecrets = try MarketplaceSecretBox.configured(
            keyFile: secretKeyFile, environment: ProcessInfo.processInfo.environment)
        let loadTime = (ContinuousClock.now - loadStarted).components
        logger.info(
            "catalog loaded",
            metadata: [
                "published": "\(readModel.publishedProductCount)", "database": "\(databaseURL)",
                "seconds": "\(String(format: "%.2f", Double(loadTime.seconds) + Double(loadTime.attoseconds) / 1e18))",
            ])

        var dependencies = ServerDependencies(
            database: database, readModel: readModel, stockReadModel: stockReadModel, readiness: readiness,
            registry: registry, clock: clock)
        dependencies.marketplaceSecrets = marketplaceSecrets
        let app = buildApplication(configuration: configuration, dependencies: dependencies, logger: logger)
        try await app.runService()
    }

    /// A newcomer's first start: fill the empty database from the catalog folder.
    private func importFirstCatalog(store: CatalogStore, logger: Logger, clock: any WallClock) async throws {
        let reader = CatalogReader(
            catalogDirectory: options.catalogDirectory, mediaDirectory: options.mediaDirectory)
        switch try await CatalogImporter(reader: reader, store: store, clock: clock).run(actor: "serve:first-start") {
        case .rejected(let issues):
            for issue in issues { logger.error("catalog problem", metadata: ["issue": "\(issue)"]) }
            throw ValidationError("the catalog in \(options.catalogDirectory.path) has \(issues.count) problem(s)")
        case .imported(let report):
            logger.info(
                "imported the catalog on first start",
                metadata: ["products": "\(report.products.created)", "producers": "\(report.producers.created)"])
        }
    }
}
