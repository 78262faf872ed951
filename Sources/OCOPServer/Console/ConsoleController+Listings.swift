import Hummingbird
import OCOPDomain
import OCOPStorage

/// A producer's listings on its marketplace accounts: each listing's sync state (what was pushed
/// against the catalog's price and the point's stock now, the last error, attempts and when the
/// next push is due), a form to list a product, and retry and delist buttons. Every write is the
/// API's store operation (`MarketplaceListingStore`), which checks the product, the account and the
/// caller's scope; the push itself is the sync worker's.
extension ConsoleController {
    func addListingRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("producers/:slug/listings", use: producerListings)
        group.post("producers/:slug/listings", use: createListing)
        group.post("producers/:slug/listings/:id/sync", use: retryListing)
        group.post("producers/:slug/listings/:id/delist", use: delistListing)
    }

    private var listingStore: MarketplaceListingStore { MarketplaceListingStore(database: database) }

    @Sendable func producerListings(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withProducer(request, context) { producer, identity in
            try await renderListings(request, context, producer: producer, identity: identity, status: .ok)
        }
    }

    @Sendable func createListing(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await withProducer(request, context) { producer, _ in
            let text = { (name: String) in form[name]?.trimmingWhitespace ?? "" }
            do {
                var checks = FieldChecks()
                let account = Int(text("account"))
                checks.require(account != nil, "account", "one of your marketplace accounts")
                let sku = text("sku")
                let product = catalog.snapshot().contents.products.first { product in
                    product.producerSlug == producer.slug && product.variants.contains { $0.sku == sku }
                }
                checks.require(product != nil, "sku", "a variant of one of \(producer.name)'s products")
                let category = text("category_id")
                checks.require(category.count <= 100, "category_id", "up to 100 characters")
                try checks.throwIfAny()
                let new = NewListing(
                    account: account!, product: product!.slug, sku: sku, categoryID: category.isEmpty ? nil : category,
                    attributes: [:])
                _ = try await perform(
                    listingStore.creation(new, by: identity, at: clock.now()), form: form, key: Self.key(in: form),
                    request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/producers/\(producer.slug)/listings?created=1"))
            } catch let error as DomainError {
                return try await renderListings(
                    request, context, producer: producer, identity: identity, status: Problem(error).status,
                    error: error.explanation)
            }
        } }
    }

    @Sendable func retryListing(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await listingButton(request, context) { id, identity in listingStore.syncRequest(id, by: identity, at: clock.now()) }
    }

    @Sendable func delistListing(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await listingButton(request, context) { id, identity in listingStore.delisting(id, by: identity, at: clock.now()) }
    }

    /// A retry or delist button: the listing must be one of this producer's, then the store's operation.
    private func listingButton(
        _ request: Request, _ context: AppRequestContext, _ operation: (Int, StaffIdentity) -> StoreOperation<Listing>
    ) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await withProducer(request, context) { producer, _ in
            guard let id = Int(try context.pathValue("id")), id > 0 else { return notFound(request, context) }
            let accounts = Set(try await producerAccounts(producer.slug).map(\.id))
            do {
                guard accounts.contains(try await listingStore.listing(id, by: identity).account) else {
                    return notFound(request, context)
                }
                _ = try await perform(
                    operation(id, identity), form: form, key: Self.key(in: form), request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/producers/\(producer.slug)/listings"))
            } catch let error as DomainError {
                if error.code == .notFound { return notFound(request, context) }
                if error.code == .forbidden { return forbidden(request, context) }
                return try await renderListings(
                    request, context, producer: producer, identity: identity, status: Problem(error).status,
                    error: error.explanation)
            }
        } }
    }

    private func renderListings(
        _ request: Request, _ context: AppRequestContext, producer: Producer, identity: StaffIdentity,
        status: HTTPResponse.Status, error: String? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        let path = "/console/producers/\(producer.slug)/listings"
        var values = page.context(title: ConsoleWords.word("listings", language) + " · " + producer.name, path: path)
        values["heading"] = ConsoleWords.word("listings", language)
        values["producer"] = producer.name
        values["nav"] = page.producerNav(producer.slug, current: "/listings")
        if let error { values["error"] = error }
        if request.uri.queryParameters.get("created") != nil { values["created"] = true }
        let accounts = try await producerAccounts(producer.slug)
        var listings: [Listing] = []
        for account in accounts {
            listings += try await listingStore.list(
                ListingQuery(product: nil, account: account.id, status: nil, afterID: 0, limit: 1_000), by: identity)
        }
        listings.sort { ($0.status == .delisted ? 1 : 0, -$0.id) < ($1.status == .delisted ? 1 : 0, -$1.id) }
        let now = clock.now()
        let available = try await listingStore.availableUnits(listings.filter { $0.status != .delisted }, at: now)
        let byID = Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let skus = catalog.snapshot().skus
        values["listings"] = listings.map { listing in
            ListingRow(
                listing: listing, account: byID[listing.account], catalogPrice: skus.price(listing.sku),
                available: available[listing.id], now: now
            ).context(page, name: skus.name(listing.sku), actions: path + "/\(listing.id)", key: Self.newKey())
        }
        values["has_listings"] = !listings.isEmpty
        values["accounts"] = accounts.map { ["id": $0.id, "label": PlacePages.marketplaceName($0.marketplace) + " · " + $0.name] }
        values["has_accounts"] = !accounts.isEmpty
        values["accounts_href"] = page.link("/console/producers/\(producer.slug)/marketplaces")
        values["variants"] = sellableVariants(of: producer.slug, language)
        values["create_action"] = page.link(path)
        values["create_key"] = Self.newKey()
        return html(request, status, templates.render("console-listings", values))
    }

    /// The producer's published variants, as the options of a product picker ("name · variant").
    func sellableVariants(of producer: String, _ language: Language) -> [[String: Any]] {
        let snapshot = catalog.snapshot()
        return snapshot.contents.products
            .filter { $0.producerSlug == producer && snapshot.product(slug: $0.slug) != nil }
            .flatMap { product in
                product.variants.map { ["sku": $0.sku, "label": product.name.text(in: language) + " · " + $0.label] }
            }
    }
}

/// One listing as its row shows it.
struct ListingRow {
    let listing: Listing
    let account: MarketplaceAccount?
    let catalogPrice: Int?
    /// Units at the account's point now, before its ratio and buffer.
    let available: Int?
    let now: Moment

    func context(_ page: ConsolePage, name: String, actions: String, key: String) -> [String: Any] {
        let language = page.language
        let word = { (key: String) in ConsoleWords.word(key, language) }
        var row: [String: Any] = [
            "id": listing.id, "name": name, "sku": listing.sku, "status": listing.status.rawValue,
            "status_label": word("listing_" + listing.status.rawValue),
            "platform": PlacePages.marketplaceName(listing.marketplace), "attempts": listing.attempts,
            "key": key, "csrf": page.csrf,
        ]
        if let account { row["account"] = account.name }
        if let id = listing.externalID { row["external_id"] = id }
        if let url = listing.externalURL, url.hasPrefix("https://") || url.hasPrefix("http://") { row["external_url"] = url }
        if let error = listing.lastError { row["error"] = error }
        if let price = listing.pushedPrice { row["pushed_price"] = ShowroomFormat.price(price, language) }
        if let price = catalogPrice {
            row["catalog_price"] = ShowroomFormat.price(price, language)
            if let pushed = listing.pushedPrice, pushed != price { row["price_differs"] = true }
        }
        if let stock = listing.pushedStock { row["pushed_stock"] = String(stock) }
        if let available, let account {
            let offered = account.offeredStock(available: available)
            row["offered_stock"] = String(offered)
            if let pushed = listing.pushedStock, pushed != offered { row["stock_differs"] = true }
        }
        if let due = listing.nextPushAt, let moment = ISOTimestamp.moment(due), listing.status != .delisted {
            let seconds = max(0, (moment.unixMilliseconds - now.unixMilliseconds + 999) / 1000)
            row["next_push"] = ShowroomFormat.localClock(due)
            if seconds > 0 { row["next_push_in"] = "\(seconds) " + word("seconds") }
        }
        if !listing.pendingPushes.isEmpty {
            row["pending"] = listing.pendingPushes.map { word("push_" + $0) }.joined(separator: ", ")
        }
        if listing.wanted == "listed" {
            row["sync_action"] = page.link(actions + "/sync")
            row["delist_action"] = page.link(actions + "/delist")
        }
        return row
    }
}
