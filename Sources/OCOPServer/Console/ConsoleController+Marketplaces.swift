import Foundation
import Hummingbird
import OCOPDomain
import OCOPMarketplaces
import OCOPStorage

/// A producer's marketplace accounts: the accounts it has, and a form per platform asking exactly
/// the credentials that platform's adapter needs. The form goes through the API's own checks
/// (`MarketplaceAccountsController.validated`, the seller scope of the point) and the same store
/// operation; values are sealed at rest and never shown again, only their names.
extension ConsoleController {
    func addMarketplaceRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("producers/:slug/marketplaces", use: marketplaceAccounts)
        group.post("producers/:slug/marketplaces", use: connectMarketplace)
    }

    @Sendable func marketplaceAccounts(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withProducer(request, context) { producer, _ in
            try await renderMarketplaceAccounts(request, context, producer: producer, status: .ok)
        }
    }

    @Sendable func connectMarketplace(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await withProducer(request, context) { producer, _ in
            guard let accounts = marketplaceAccountsAPI, let box = accounts.box else {
                return try await renderMarketplaceAccounts(
                    request, context, producer: producer, status: .serviceUnavailable,
                    error: ConsoleWords.word("no_secret_key", page(request, context).language))
            }
            let text = { (name: String) in form[name]?.trimmingWhitespace ?? "" }
            let marketplace = Marketplace(rawValue: text("marketplace"))
            do {
                var checks = FieldChecks()
                let ratio = Double(text("stock_ratio").replacingOccurrences(of: ",", with: "."))
                let buffer = Int(text("stock_buffer"))
                checks.require(ratio?.isFinite == true, "stock_ratio", "a number from 0 to 1, e.g. 0,8")
                checks.require(buffer != nil, "stock_buffer", "a whole number from 0 to 1000000")
                let categories = Self.categoryMap(text("category_map"))
                checks.require(categories != nil, "category_map", "one 'group = category id' per line, e.g. I.5.a = 8322")
                try checks.throwIfAny()
                let adapter = marketplace.map { MarketplaceAdapters.adapter(for: $0, transport: accounts.transport, clock: clock) }
                // Optional keys only when filled in: an empty one would be stored as a key without a value.
                let keys = (adapter?.requiredCredentials ?? [])
                    + (adapter?.optionalCredentials ?? []).filter { !text("credential_" + $0).isEmpty }
                let body = MarketplaceAccountsController.CreateRequest(
                    marketplace: text("marketplace"), name: text("name"), baseUrl: text("base_url"),
                    credentials: Dictionary(uniqueKeysWithValues: keys.map { ($0, .init(text: text("credential_" + $0))) }),
                    accessTokenExpiresAt: nil, point: text("point"), stockRatio: ratio!, stockBuffer: buffer!,
                    categoryMap: categories!, attributeDefaults: nil, owner: producer.slug)
                let account = try accounts.validated(body, owner: producer.slug)
                try await SellerScope(database: database).require(identity, sellFrom: account.point, for: [producer.slug])
                let operation = MarketplaceAccountStore(database: database, box: box)
                    .creation(account, actor: identity.actor, at: clock.now()).map { [publicBaseURL] in $0.answer(publicBaseURL: publicBaseURL) }
                _ = try await perform(operation, form: form, key: Self.key(in: form), request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/producers/\(producer.slug)/marketplaces?connected=1"))
            } catch let error as DomainError {
                return try await renderMarketplaceAccounts(
                    request, context, producer: producer, status: Problem(error).status, error: error.explanation,
                    open: marketplace)
            } catch let problem as Problem {
                return try await renderMarketplaceAccounts(
                    request, context, producer: producer, status: problem.status, error: problem.detail, open: marketplace)
            }
        } }
    }

    /// 0.8 → "80 %".
    static func percent(_ ratio: Double) -> String {
        let value = (ratio * 1000).rounded() / 10
        return (value == value.rounded() ? String(Int(value)) : String(value)) + " %"
    }

    /// "I.5.a = 8322" lines, or nil when a line is not of that shape.
    static func categoryMap(_ text: String) -> [String: String]? {
        var map: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !String(line).trimmingWhitespace.isEmpty {
            let parts = line.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[0].count <= 40, parts[1].count <= 100
            else { return nil }
            map[parts[0]] = parts[1]
        }
        return map
    }

    private func renderMarketplaceAccounts(
        _ request: Request, _ context: AppRequestContext, producer: Producer, status: HTTPResponse.Status,
        error: String? = nil, open: Marketplace? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        let path = "/console/producers/\(producer.slug)/marketplaces"
        var values = page.context(title: ConsoleWords.word("marketplace_accounts", language) + " · " + producer.name, path: path)
        values["heading"] = ConsoleWords.word("marketplace_accounts", language)
        values["nav"] = page.producerNav(producer.slug, current: "/marketplaces")
        values["producer"] = producer.name
        if let error { values["error"] = error }
        if request.uri.queryParameters.get("connected") != nil { values["connected"] = true }
        var accounts: [MarketplaceAccount] = []
        if let box = marketplaceAccountsAPI?.box {
            // With the names of the credentials kept (never their values).
            let store = MarketplaceAccountStore(database: database, box: box)
            for account in try await producerAccounts(producer.slug) { accounts.append(try await store.describe(account)) }
        }
        let points = Dictionary(stockModel.allPoints.map { ($0.slug, $0.name) }, uniquingKeysWith: { first, _ in first })
        values["accounts"] = accounts.map { account -> [String: Any] in
            [
                "id": account.id, "name": account.name,
                "platform": PlacePages.marketplaceName(account.marketplace),
                "point": points[account.point] ?? account.point,
                "ratio": Self.percent(account.stockRatio), "buffer": account.stockBuffer,
                "keys": account.credentialKeys.joined(separator: ", "),
            ]
        }
        values["has_accounts"] = !accounts.isEmpty
        values["listings_href"] = page.link("/console/producers/\(producer.slug)/listings")
        let sellable = try await pointsSellable(by: producer.slug, context.identity)
        values["has_points"] = !sellable.isEmpty
        if let accountsAPI = marketplaceAccountsAPI, accountsAPI.box != nil {
            values["forms"] = Marketplace.allCases.map { marketplace -> [String: Any] in
                let adapter = MarketplaceAdapters.adapter(for: marketplace, transport: accountsAPI.transport, clock: clock)
                return [
                    "value": marketplace.rawValue, "label": PlacePages.marketplaceName(marketplace.rawValue), "open": marketplace == open,
                    "base_url": OutboundPolicy.defaultBaseURL(marketplace),
                    "fields": adapter.requiredCredentials.map { key -> [String: Any] in
                        ["name": "credential_" + key, "label": key, "id": marketplace.rawValue + "-" + key, "required": true]
                    }
                        + adapter.optionalCredentials.map { key -> [String: Any] in
                            ["name": "credential_" + key, "label": key, "id": marketplace.rawValue + "-" + key, "required": false]
                        },
                    "points": sellable.map { ["slug": $0.slug, "name": $0.name] },
                    "action": page.link(path), "key": Self.newKey(),
                ]
            }
        } else {
            values["no_secret_key"] = ConsoleWords.word("no_secret_key", language)
        }
        return html(request, status, templates.render("console-marketplaces", values))
    }

    /// The accounts a producer owns.
    func producerAccounts(_ producer: String) async throws -> [MarketplaceAccount] {
        guard let box = marketplaceAccountsAPI?.box else { return [] }
        return try await MarketplaceAccountStore(database: database, box: box).list(owners: [producer])
    }

    /// The points a producer's account may push stock from: every point for the office, else those
    /// that let the producer sell there.
    func pointsSellable(by producer: String, _ identity: StaffIdentity?) async throws -> [SalePoint] {
        let points = stockModel.allPoints.sorted { $0.name < $1.name }
        guard let identity, !identity.isAdmin else { return points }
        let sellers = PointSellerStore(database: database)
        var allowed: [SalePoint] = []
        for point in points {
            if identity.canManagePoint(point.slug) { allowed.append(point); continue }
            if try await sellers.producers(at: point.slug).contains(producer) { allowed.append(point) }
        }
        return allowed
    }

    /// Runs `body` with the page's producer (`:slug`) when the caller may act for it; otherwise the
    /// sign-in redirect, the 403 page (another producer) or the 404 page.
    func withProducer(
        _ request: Request, _ context: AppRequestContext, _ body: (Producer, StaffIdentity) async throws -> Response
    ) async throws -> Response {
        let slug = try context.pathValue("slug")
        guard let identity = context.identity else { return signInFirst(request) }
        guard identity.canActForProducer(slug) else { return forbidden(request, context) }
        guard let producer = catalog.snapshot().contents.producers.first(where: { $0.slug == slug }) else {
            return notFound(request, context)
        }
        return try await body(producer, identity)
    }
}
