public import CurlHTTP
public import Foundation
public import Hummingbird
public import Logging
public import OCOPDomain
public import OCOPStorage
public import Prometheus
import ServiceLifecycle

/// Plain settings for the HTTP application; the executable fills them from flags and environment.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var mediaDirectory: URL
    public var auth: AuthSettings
    /// The address printed in stamp URLs, e.g. "https://ocop.tuyenquang.gov.vn"; empty for relative.
    public var publicBaseURL: String
    /// Where requests whose address a client chose may go (marketplace hosts, webhook addresses).
    public var outbound: OutboundPolicy
    /// Idle timeout and connection ceiling for clients.
    public var connections = ConnectionLimits()

    public init(
        host: String, port: Int, mediaDirectory: URL, auth: AuthSettings = AuthSettings(), publicBaseURL: String = "",
        outbound: OutboundPolicy = OutboundPolicy()
    ) {
        self.host = host
        self.port = port
        self.mediaDirectory = mediaDirectory
        self.auth = auth
        self.publicBaseURL = publicBaseURL
        self.outbound = outbound
    }
}

/// The long-lived parts the routes need, built once by the executable (or a test).
public struct ServerDependencies: Sendable {
    public var database: Database
    public var readModel: CatalogReadModel
    public var stockReadModel: StockReadModel
    public var readiness: Readiness
    public var registry: PrometheusCollectorRegistry
    public var clock: any WallClock
    /// Outbound HTTP for webhooks (and, later, marketplaces).
    public var transport: any HTTPTransport
    /// This node's name in job leases.
    public var workerName: String
    /// Fairs and their stalls, loaded by `FairRefreshService` at start and after every fair write.
    public var fairReadModel: FairReadModel
    /// Livestream sessions to come or on air, loaded by `LivestreamHoldSweeper` and after every write.
    public var livestreamReadModel: LivestreamReadModel
    /// Seals marketplace credentials; nil when no secret key is configured (accounts then answer 503).
    public var marketplaceSecrets: MarketplaceSecretBox? = nil
    public var marketplaceSync = MarketplaceSyncSettings()
    /// The product page's `listings` section, shared by the listing routes and the sync worker.
    public var marketplaceListings = MarketplaceListingsView()
    /// Request counters and timers, shared by the router and the catalog fast path.
    var requestMetrics = RequestMetricsCache()
    /// Logins recently checked, emptied whenever a session ends (`ReadModelFollower`).
    var sessions = SessionCache()
    /// The showroom's rendered pages, shared by the router's routes and the fast path, in the
    /// process's one budget for compressed answers (with the gzip JSON).
    var showroomPages = CompressedBodyCache.shared

    public init(
        database: Database, readModel: CatalogReadModel, stockReadModel: StockReadModel, readiness: Readiness,
        registry: PrometheusCollectorRegistry, clock: any WallClock,
        transport: any HTTPTransport = CurlTransport(), workerName: String = "node-\(ProcessInfo.processInfo.processIdentifier)"
    ) {
        self.transport = transport
        self.workerName = workerName
        self.fairReadModel = FairReadModel(database: database)
        self.livestreamReadModel = LivestreamReadModel(database: database, clock: clock)
        self.database = database
        self.readModel = readModel
        self.stockReadModel = stockReadModel
        self.readiness = readiness
        self.registry = registry
        self.clock = clock
    }
}

/// Builds the HTTP application with its background services.
public func buildApplication(
    configuration: ServerConfiguration, dependencies: ServerDependencies, logger: Logger
) -> some ApplicationProtocol {
    let router = buildRouter(configuration: configuration, dependencies: dependencies)
    let serverName = "ocop"
    let catalogRoutes = CatalogFastRoutes(
        products: productsController(dependencies), showroom: showroomController(configuration, dependencies),
        serverName: serverName, metrics: dependencies.requestMetrics)
    var app = Application(
        router: router,
        server: .http1(catalog: catalogRoutes, limits: configuration.connections),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
        logger: logger)
    // Every read model follows the commits of this node from here on, and other nodes' through the feed.
    let follower = ReadModelFollower(dependencies: dependencies, logger: logger)
    follower.subscribe(to: dependencies.database.changes)
    app.addServices(
        ChangeFeedService(database: dependencies.database, follower: follower, clock: dependencies.clock, logger: logger))
    app.addServices(FairRefreshService(model: dependencies.fairReadModel, logger: logger))
    app.addServices(
        CertificateNoticeService(
            notices: CertificateNotices(database: dependencies.database), clock: dependencies.clock, logger: logger))
    app.addServices(
        LivestreamHoldSweeper(
            store: LivestreamStore(database: dependencies.database), livestreams: dependencies.livestreamReadModel,
            clock: dependencies.clock, logger: logger))
    app.addServices(
        JobWorkerService(
            queue: JobQueue(database: dependencies.database),
            webhooks: WebhookDelivery(
                store: WebhookStore(database: dependencies.database), transport: dependencies.transport,
                outbound: configuration.outbound),
            marketplaceOrders: MarketplaceOrderImport(
                database: dependencies.database, box: dependencies.marketplaceSecrets, transport: dependencies.transport,
                clock: dependencies.clock, settings: dependencies.marketplaceSync, logger: logger),
            clock: dependencies.clock, logger: logger, workerName: dependencies.workerName))
    if let engine = marketplaceSyncEngine(configuration, dependencies, logger), dependencies.marketplaceSync.runsInBackground {
        app.addServices(MarketplaceSyncService(engine: engine))
    }
    return app
}

/// Wires middleware and controllers.
public func buildRouter(
    configuration: ServerConfiguration, dependencies: ServerDependencies
) -> Router<AppRequestContext> {
    // HEAD is answered wherever GET is, with GET's headers and no body.
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    let showroom = showroomController(configuration, dependencies)
    // Metrics outside the problem middleware: they count the status the client got (a domain error's
    // 404 or 422), not the 500 an error not yet turned into a problem would read as.
    router.add(middleware: RequestMetricsMiddleware(cache: dependencies.requestMetrics))
    router.add(middleware: BrowserErrorPageMiddleware(showroom: showroom))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(
        middleware: BearerAuthMiddleware(
            database: dependencies.database, clock: dependencies.clock, sessions: dependencies.sessions))

    let v1 = router.group("v1")
    let pipeline = WritePipeline(database: dependencies.database, clock: dependencies.clock)
    productsController(dependencies).addRoutes(to: v1)
    ProducersController(readModel: dependencies.readModel).addRoutes(to: v1)
    AuthController(database: dependencies.database, clock: dependencies.clock, settings: configuration.auth)
        .addRoutes(to: v1)
    PointsController(
        database: dependencies.database, clock: dependencies.clock, readModel: dependencies.readModel,
        stockReadModel: dependencies.stockReadModel
    ).addRoutes(to: v1)
    StockController(pipeline: pipeline).addRoutes(to: v1)
    StockReportsController(database: dependencies.database, clock: dependencies.clock).addRoutes(to: v1)
    WebhooksController(database: dependencies.database, clock: dependencies.clock, outbound: configuration.outbound)
        .addRoutes(to: v1)
    CertificatesController(
        database: dependencies.database, clock: dependencies.clock, readModel: dependencies.readModel, pipeline: pipeline
    ).addRoutes(to: v1)
    StampsController(
        database: dependencies.database, clock: dependencies.clock, readModel: dependencies.readModel,
        publicBaseURL: configuration.publicBaseURL, showroom: showroom
    ).addRoutes(to: router, v1: v1)
    showroom.addRoutes(to: router)
    let marketplaceAccounts = MarketplaceAccountsController(
        database: dependencies.database, clock: dependencies.clock, box: dependencies.marketplaceSecrets,
        readModel: dependencies.readModel, transport: dependencies.transport, outbound: configuration.outbound,
        publicBaseURL: configuration.publicBaseURL)
    ConsoleController(
        database: dependencies.database, clock: dependencies.clock, settings: configuration.auth,
        catalog: dependencies.readModel, stockModel: dependencies.stockReadModel, templates: .bundled,
        secureCookies: configuration.publicBaseURL.hasPrefix("https://"), publicBaseURL: configuration.publicBaseURL,
        marketplaceAccountsAPI: marketplaceAccounts, outbound: configuration.outbound,
        dossierFiles: DossierFiles(mediaDirectory: configuration.mediaDirectory)
    ).addRoutes(to: router)
    TransfersController(pipeline: pipeline).addRoutes(to: v1)
    marketplaceAccounts.addRoutes(to: v1)
    MarketplaceListingsController(pipeline: pipeline).addRoutes(to: v1)
    MarketplaceWebhooksController(
        database: dependencies.database, clock: dependencies.clock, box: dependencies.marketplaceSecrets,
        publicBaseURL: configuration.publicBaseURL
    ).addRoutes(to: v1)
    MarketplaceOrdersController(database: dependencies.database, clock: dependencies.clock).addRoutes(to: v1)
    PlansController(pipeline: pipeline).addRoutes(to: v1)
    DossiersController(pipeline: pipeline, files: DossierFiles(mediaDirectory: configuration.mediaDirectory)).addRoutes(to: v1)
    EvaluationRoundsController(pipeline: pipeline).addRoutes(to: v1)
    InspectionsController(pipeline: pipeline).addRoutes(to: v1)
    FairsController(
        database: dependencies.database, clock: dependencies.clock, readModel: dependencies.readModel,
        fairReadModel: dependencies.fairReadModel
    ).addRoutes(to: v1)
    FairApplicationsController(database: dependencies.database, clock: dependencies.clock).addRoutes(to: v1)
    FairStallsController(pipeline: pipeline).addRoutes(to: v1)
    FairReportsController(database: dependencies.database).addRoutes(to: v1)
    AuditController(database: dependencies.database).addRoutes(to: v1)
    ReportsController(database: dependencies.database, clock: dependencies.clock).addRoutes(to: v1)
    LivestreamsController(
        database: dependencies.database, clock: dependencies.clock, readModel: dependencies.readModel,
        livestreams: dependencies.livestreamReadModel
    ).addRoutes(to: v1)
    LiveOrdersController(pipeline: pipeline).addRoutes(to: v1)
    MediaController(library: MediaLibrary(directory: configuration.mediaDirectory)).addRoutes(to: router)
    SystemController(
        readiness: dependencies.readiness, database: dependencies.database, registry: dependencies.registry
    ).addRoutes(to: router)
    return router
}

/// The product list and pages, for the router and for `CatalogFastPath`.
func showroomController(_ configuration: ServerConfiguration, _ dependencies: ServerDependencies) -> ShowroomController {
    ShowroomController(
        sources: ShowroomSources(
            catalog: dependencies.readModel, stock: dependencies.stockReadModel, fairs: dependencies.fairReadModel,
            livestreams: dependencies.livestreamReadModel, listings: dependencies.marketplaceListings,
            clock: dependencies.clock),
        templates: .bundled, publicBaseURL: configuration.publicBaseURL, cache: dependencies.showroomPages)
}

func productsController(_ dependencies: ServerDependencies) -> ProductsController<AppRequestContext> {
    // Capabilities that add a section to the product page append it here.
    let sections: [any ProductPageSection] = [
        dependencies.marketplaceListings,
        FairsProductSection(model: dependencies.fairReadModel, readModel: dependencies.readModel),
        LivestreamsProductSection(model: dependencies.livestreamReadModel, clock: dependencies.clock),
    ]
    return ProductsController(
        readModel: dependencies.readModel, stockReadModel: dependencies.stockReadModel, sections: sections)
}
