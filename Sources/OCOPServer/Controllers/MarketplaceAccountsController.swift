import CurlHTTP
import Foundation
import Hummingbird
import OCOPDomain
import OCOPMarketplaces
import OCOPStorage

/// Marketplace seller accounts: created by the programme office or a producer, with credentials
/// sealed at rest and never shown again.
struct MarketplaceAccountsController: Sendable {
    let database: Database
    let clock: any WallClock
    let box: MarketplaceSecretBox?
    let readModel: CatalogReadModel
    /// Only to ask an adapter which credentials it needs; nothing is sent from here.
    let transport: any HTTPTransport
    let outbound: OutboundPolicy
    /// Builds the push URL each account shows.
    let publicBaseURL: String

    private var pipeline: WritePipeline { WritePipeline(database: database, clock: clock) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("marketplace-accounts", use: create)
        group.get("marketplace-accounts", use: list)
        group.post("marketplace-accounts/:id/pull", use: pull)
        group.get("marketplace-accounts/:id/pull-schedule", use: pullSchedule)
        group.put("marketplace-accounts/:id/pull-schedule", use: setPullSchedule)
    }

    struct PullAnswer: Encodable, Sendable {
        var account: Int
        var queued: Bool
    }

    /// Pulls the account's changed orders now, besides the schedule (202: a worker does it).
    @Sendable func pull(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try await orderAccount(context)
        // `queued` is false when a pull was already waiting: that one will do.
        return try await pipeline.perform(
            request, identity: identity, body: [], status: .accepted,
            MarketplaceOrderPulls(database: database).requestingNow(account: id, at: clock.now())
                .map { PullAnswer(account: id, queued: $0) })
    }

    struct ScheduleBody: Decodable {
        var intervalSeconds: Int64
    }

    /// When the account's orders are pulled next, from where, and how the last pull went.
    @Sendable func pullSchedule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try await orderAccount(context)
        return try ResponseJSON.response(try await MarketplaceOrderPulls(database: database).schedule(account: id, at: clock.now()))
    }

    /// Sets how often the account's orders are pulled (60 s to a day; 300 s unless set).
    @Sendable func setPullSchedule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try await orderAccount(context)
        let (body, bytes) = try await RequestBody.decode(ScheduleBody.self, from: request)
        return try await pipeline.perform(
            request, identity: identity, body: bytes, status: .ok,
            try MarketplaceOrderPulls(database: database).settingInterval(account: id, seconds: body.intervalSeconds, at: clock.now()))
    }

    /// The account of the path, when the caller may act for it and its orders are imported.
    private func orderAccount(_ context: AppRequestContext) async throws -> Int {
        let identity = try context.requireIdentity()
        let box = try requireBox()
        guard let id = Int(try context.pathValue("id")), id > 0,
            let account = try await MarketplaceAccountStore(database: database, box: box).account(id),
            identity.isAdmin || identity.canActForProducer(account.owner)
        else { throw Problem.notFound("no such marketplace account") }
        guard MarketplaceOrderImport.marketplaces.contains(where: { $0.rawValue == account.marketplace }) else {
            throw Problem(.conflict, "orders of \(account.marketplace) are not imported yet")
        }
        return id
    }

    /// A credential value: platforms give ids as numbers and keys as text; all are kept as text.
    struct CredentialValue: Decodable {
        let text: String

        init(text: String) { self.text = text }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                text = string
            } else if let number = try? container.decode(Int64.self) {
                text = String(number)
            } else {
                throw DecodingError.typeMismatch(
                    String.self, .init(codingPath: decoder.codingPath, debugDescription: "a string or a whole number"))
            }
        }
    }

    struct CreateRequest: Decodable {
        var marketplace: String
        var name: String
        var baseUrl: String
        var credentials: [String: CredentialValue]
        /// Unix seconds when the access token stops working, if known.
        var accessTokenExpiresAt: Int64?
        var point: String
        var stockRatio: Double
        var stockBuffer: Int
        var categoryMap: [String: String]?
        var attributeDefaults: [String: String]?
        var owner: String?
    }

    private func requireBox() throws(Problem) -> MarketplaceSecretBox {
        guard let box else {
            throw Problem(
                .serviceUnavailable, "marketplace accounts need a secret key: set OCOP_SECRET_KEY or --secret-key-file")
        }
        return box
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let box = try requireBox()
        let (body, bytes) = try await RequestBody.decode(CreateRequest.self, from: request)
        let owner = try owner(of: body, identity)
        let account = try validated(body, owner: owner)
        // The account pushes the point's stock to the platform: only a point the owner may sell from.
        try await SellerScope(database: database).require(
            identity, sellFrom: account.point, for: owner == "admin" ? [] : [owner])
        let creation = MarketplaceAccountStore(database: database, box: box)
            .creation(account, actor: identity.actor, at: clock.now()).map { [publicBaseURL] in $0.answer(publicBaseURL: publicBaseURL) }
        return try await pipeline.perform(request, identity: identity, body: bytes, creation)
    }

    /// Who owns the new account: a producer owns its own; an admin may name a producer, else "admin".
    private func owner(of body: CreateRequest, _ identity: StaffIdentity) throws -> String {
        if identity.isAdmin {
            guard let owner = body.owner, owner != "admin" else { return "admin" }
            guard readModel.snapshot().contents.producers.contains(where: { $0.slug == owner }) else {
                throw Problem.badParameter("owner", "no producer '\(owner)'")
            }
            return owner
        }
        guard identity.role == .producer, !identity.scopes.isEmpty else {
            throw Problem(.forbidden, "only the programme office or a producer may add marketplace accounts")
        }
        if let owner = body.owner {
            guard identity.scopes.contains(owner) else {
                throw Problem(.forbidden, "\(identity.username) may not add accounts for '\(owner)'")
            }
            return owner
        }
        guard identity.scopes.count == 1 else { throw Problem.badParameter("owner", "required: name your producer") }
        return identity.scopes.first!
    }

    /// The account to store, checked field by field (the console's connect form uses it too).
    func validated(_ body: CreateRequest, owner: String) throws -> NewMarketplaceAccount {
        var checks = FieldChecks()
        let marketplace = Marketplace(rawValue: body.marketplace)
        checks.require(
            marketplace != nil, "marketplace", "one of \(Marketplace.allCases.map(\.rawValue).joined(separator: ", "))")
        checks.require((1...100).contains(body.name.count), "name", "1–100 characters")
        if let marketplace, let problem = outbound.marketplaceBaseURLProblem(marketplace, body.baseUrl) {
            checks.require(false, "base_url", problem)
        }
        if let marketplace {
            let adapter = MarketplaceAdapters.adapter(for: marketplace, transport: transport, clock: clock)
            for key in adapter.requiredCredentials where (body.credentials[key]?.text ?? "").isEmpty {
                checks.require(false, "credentials.\(key)", "required for \(marketplace.rawValue)")
            }
            for (key, value) in body.credentials.sorted(by: { $0.key < $1.key }) where !value.text.isEmpty {
                if let problem = adapter.credentialProblem(key, value.text) {
                    checks.require(false, "credentials.\(key)", problem)
                }
                // A URL among the credentials (TikTok's auth_base_url) is called like base_url.
                if key.hasSuffix("_url"), let problem = outbound.marketplaceBaseURLProblem(marketplace, value.text) {
                    checks.require(false, "credentials.\(key)", problem)
                }
            }
        }
        checks.require(!body.credentials.isEmpty, "credentials", "the platform's keys and tokens")
        for (key, value) in body.credentials where key.isEmpty || key.count > 100 || value.text.utf8.count > 8192 {
            checks.require(false, "credentials.\(key)", "names of 1–100 characters, values up to 8 KB")
        }
        let basisPoints = (body.stockRatio * 10_000).rounded()
        checks.require(
            (0...1).contains(body.stockRatio) && abs(basisPoints / 10_000 - body.stockRatio) < 1e-9, "stock_ratio",
            "a number from 0 to 1 with at most 4 decimals")
        checks.require((0...1_000_000).contains(body.stockBuffer), "stock_buffer", "a whole number from 0 to 1000000")
        let expiresAt = body.accessTokenExpiresAt.flatMap { Moment(unixSeconds: $0) }
        checks.require(
            body.accessTokenExpiresAt == nil || expiresAt != nil, "access_token_expires_at",
            "Unix seconds between years 1 and 9999")
        for (group, category) in body.categoryMap ?? [:] where group.isEmpty || category.isEmpty {
            checks.require(false, "category_map", "group codes mapped to non-empty category ids")
        }
        try checks.throwIfAny()
        return NewMarketplaceAccount(
            marketplace: marketplace!.rawValue, name: body.name, baseURL: body.baseUrl,
            credentials: StoredCredentials(
                values: body.credentials.mapValues(\.text),
                accessTokenExpiresAt: expiresAt),
            point: body.point, stockRatioBasisPoints: Int(basisPoints), stockBuffer: body.stockBuffer,
            categoryMap: body.categoryMap ?? [:], attributeDefaults: body.attributeDefaults ?? [:], owner: owner)
    }

    struct ListAnswer: Encodable {
        var items: [MarketplaceAccountAnswer]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let box = try requireBox()
        guard identity.isAdmin || identity.role == .producer else {
            throw Problem(.forbidden, "only the programme office or a producer may see marketplace accounts")
        }
        let store = MarketplaceAccountStore(database: database, box: box)
        var items: [MarketplaceAccountAnswer] = []
        for account in try await store.list(owners: identity.isAdmin ? nil : identity.scopes) {
            items.append(try await store.describe(account).answer(publicBaseURL: publicBaseURL))
        }
        return try ResponseJSON.response(ListAnswer(items: items))
    }
}

/// An account as the API shows it: settings, the names of its credentials, never their values.
struct MarketplaceAccountAnswer: Encodable, Sendable {
    var id: Int
    var marketplace: String
    var name: String
    var baseUrl: String
    var point: String
    var stockRatio: Double
    var stockBuffer: Int
    var categoryMap: [String: String]
    var attributeDefaults: [String: String]
    var owner: String
    var credentialKeys: [String]
    var accessTokenExpiresAt: String?
    var createdAt: String
    var createdBy: String
    /// Where the seller registers the platform's order pushes; absent where they are not received yet.
    var webhookUrl: String?
}

extension MarketplaceAccount {
    func answer(publicBaseURL: String) -> MarketplaceAccountAnswer {
        MarketplaceAccountAnswer(
            id: id, marketplace: marketplace, name: name, baseUrl: baseURL, point: point, stockRatio: stockRatio,
            stockBuffer: stockBuffer, categoryMap: categoryMap, attributeDefaults: attributeDefaults, owner: owner,
            credentialKeys: credentialKeys, accessTokenExpiresAt: accessTokenExpiresAt, createdAt: createdAt,
            createdBy: createdBy,
            webhookUrl: MarketplaceWebhooksController.received.contains(where: { $0.rawValue == marketplace })
                ? MarketplaceWebhooksController.callbackURL(publicBaseURL: publicBaseURL, marketplace: marketplace, account: id)
                : nil)
    }
}
