public import CurlHTTP
public import OCOPDomain

/// Meta Commerce catalog through the Graph API `items_batch` edge (MARKETPLACES.md §5).
///
/// Credentials: `app_secret`, `access_token`, `catalog_id` (required); `app_id` optional, needed to
/// exchange a still-valid token for a long-lived one (an expired token cannot be exchanged: a person
/// must log in again). Every call carries `appsecret_proof`. The retailer id (our SKU) is the external
/// id; images are URLs Meta fetches; delisting hides the item (`staging`, out of stock).
public struct MetaCatalogAdapter: MarketplaceAdapter {
    /// What the sources read could not confirm, kept adjustable (MARKETPLACES.md marks them UNVERIFIED).
    public struct Options: Sendable {
        public var graphVersion = "v25.0"
        /// 80014 (catalog batch limit) is documented; 4, 17, 32, 613 are Meta's usual rate-limit codes.
        public var throttleCodes: Set<Int> = [4, 17, 32, 613, 80014]
        public var authExpiredCodes: Set<Int> = [190, 102]
        /// Missing permissions: 200 is documented for items_batch, 10 is the generic one.
        public var badCredentialCodes: Set<Int> = [10, 200]
        public var transientCodes: Set<Int> = [1, 2]
        public var currency = "VND"
        public init() {}
    }

    public let marketplace = Marketplace.facebook
    public var requiredCredentials: [String] { ["app_secret", "access_token", "catalog_id"] }

    private let http: AdapterHTTP
    private let clock: any WallClock
    private let options: Options

    public init(
        transport: any HTTPTransport, clock: any WallClock, timeout: Duration = .seconds(15),
        options: Options = Options()
    ) {
        self.http = AdapterHTTP(transport: transport, timeout: timeout)
        self.clock = clock
        self.options = options
    }

    public func push(_ operation: ListingOperation, account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> PushResult
    {
        switch operation {
        case .create(let content):
            try await batch("CREATE", item(content), account: account)
            return PushResult(externalID: content.sku)
        case .update(let externalID, let content):
            var data = item(content)
            data["id"] = externalID
            // A whole item: made anew if the catalog lacks it (a create whose answer was lost).
            try await batch("UPDATE", data, upsert: true, account: account)
            return PushResult(externalID: externalID)
        case .updatePrice(let externalID, _, let priceVND):
            try await batch("UPDATE", ["id": externalID, "price": price(priceVND)], account: account)
            return PushResult(externalID: externalID)
        case .updateStock(let externalID, _, let stock):
            let data: [String: Any] = [
                "id": externalID, "inventory": max(0, stock), "availability": availability(stock),
            ]
            try await batch("UPDATE", data, account: account)
            return PushResult(externalID: externalID)
        case .delist(let externalID, _):
            let data: [String: Any] = ["id": externalID, "availability": "out of stock", "visibility": "staging"]
            try await batch("UPDATE", data, account: account)
            return PushResult(externalID: externalID)
        }
    }

    /// The item's id is our SKU (the retailer id), known without the lost answer; the engine then
    /// sends the whole item as an UPDATE, which the catalog turns into a create if the first never
    /// landed (`allow_upsert`). So a retried create can never make a second item, nor fail on one.
    public func existingItem(sku: String, account: MarketplaceAccountContext) async throws(MarketplaceError) -> PushResult? {
        PushResult(externalID: sku)
    }

    /// Exchanges the current (still valid) token for a long-lived one: `fb_exchange_token`.
    public func refreshTokens(account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> MarketplaceCredentials
    {
        let credentials = account.credentials
        let query = [
            ("grant_type", "fb_exchange_token"), ("client_id", try credentials.require("app_id")),
            ("client_secret", try credentials.require("app_secret")),
            ("fb_exchange_token", try credentials.require("access_token")),
        ]
        let response = try await http.send(
            "GET", "\(account.trimmedBaseURL)/\(options.graphVersion)/oauth/access_token?" + FormEncoding.encode(query))
        let answer = JSONBody.decode(response.body)
        if let error = classify(response, answer: answer) {
            if error.kind == .authExpired || error.kind == .rejected {
                throw MarketplaceError(.badCredentials, code: error.code, message: error.message)
            }
            throw error
        }
        guard let accessToken = answer?["access_token"].string else {
            throw MarketplaceError(.transient, code: "bad_response", message: "token answer without access_token")
        }
        var renewed = credentials
        renewed.values["access_token"] = accessToken
        renewed.accessTokenExpiresAt = answer?["expires_in"].int.map { clock.now().adding(seconds: Int64($0)) }
        return renewed
    }

    // MARK: - Payloads

    /// The item in Meta's feed-spec field names; the account's attribute mapping adds or overrides fields.
    private func item(_ content: ListingContent) -> [String: Any] {
        var data: [String: Any] = [
            "id": content.sku, "title": content.title, "description": content.description,
            "availability": availability(content.stock), "condition": "new", "price": price(content.priceVND),
            "link": content.productURL, "brand": content.brand, "inventory": max(0, content.stock),
            "google_product_category": content.categoryID, "visibility": "published",
        ]
        if let first = content.images.first { data["image_link"] = first.url }
        if content.images.count > 1 { data["additional_image_link"] = content.images.dropFirst().map(\.url) }
        if let gtin = content.gtin { data["gtin"] = gtin }
        if let grams = content.weightGrams { data["shipping_weight"] = "\(grams) g" }
        for (key, value) in content.attributes { data[key] = value }
        return data
    }

    /// Whole VND: the currency has no minor unit.
    private func price(_ priceVND: Int) -> String { "\(priceVND) \(options.currency)" }

    private func availability(_ stock: Int) -> String { stock > 0 ? "in stock" : "out of stock" }

    // MARK: - HTTP

    /// POST /{catalog_id}/items_batch with one request; per-item validation errors are `rejected`.
    /// `upsert`: whether an UPDATE of an item the catalog lacks creates it (`allow_upsert`, whose
    /// default is true). Only whole items may: a price alone would make an item without a title.
    private func batch(
        _ method: String, _ data: [String: Any], upsert: Bool = false, account: MarketplaceAccountContext
    ) async throws(MarketplaceError) {
        let credentials = account.credentials
        let accessToken = try credentials.require("access_token")
        let catalogID = try credentials.require("catalog_id")
        let form = [
            ("access_token", accessToken),
            (
                "appsecret_proof",
                MetaAppSecretProof.proof(appSecret: try credentials.require("app_secret"), accessToken: accessToken)
            ),
            ("item_type", "PRODUCT_ITEM"), ("allow_upsert", upsert ? "true" : "false"),
            ("requests", JSONBody.encodeString([["method": method, "data": data]])),
        ]
        let response = try await http.send(
            "POST", "\(account.trimmedBaseURL)/\(options.graphVersion)/\(catalogID)/items_batch",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(FormEncoding.encode(form).utf8))
        let answer = JSONBody.decode(response.body)
        if let error = classify(response, answer: answer) { throw error }
        let problems = (answer?["validation_status"].array ?? []).flatMap {
            $0["errors"].array.compactMap { $0["message"].string }
        }
        if !problems.isEmpty {
            throw MarketplaceError(.rejected, code: "validation", message: problems.joined(separator: "; "))
        }
        guard answer?["handles"].array.isEmpty == false else {
            throw MarketplaceError(.transient, code: "bad_response", message: "items_batch answered without a handle")
        }
    }

    /// Graph errors: `{"error":{"message","type","code","error_subcode","is_transient","fbtrace_id"}}`.
    private func classify(_ response: OutboundResponse, answer: JSONValue?) -> MarketplaceError? {
        let error = answer?["error"] ?? JSONValue(nil)
        guard error.exists else {
            if let failure = response.statusError(message: response.bodyText) { return failure }
            if response.status >= 400 {
                return MarketplaceError(.rejected, code: "HTTP \(response.status)", message: response.bodyText)
            }
            return answer == nil ? MarketplaceError(.transient, code: "bad_response", message: "not JSON") : nil
        }
        let code = error["code"].int ?? 0
        let text = error["error_subcode"].int.map { "\(code)/\($0)" } ?? String(code)
        let message = error["message"].string ?? response.bodyText
        if response.status == 429 || options.throttleCodes.contains(code) {
            let wait =
                response.retryAfterSeconds ?? Self.regainAccessSeconds(response.header("X-Business-Use-Case-Usage"))
            return MarketplaceError(.throttled(retryAfterSeconds: wait), code: text, message: message)
        }
        if options.authExpiredCodes.contains(code) {
            return MarketplaceError(.authExpired, code: text, message: message)
        }
        // A wrong app secret shows as code 100 about the proof: the account's secret must be fixed.
        if options.badCredentialCodes.contains(code) || (code == 100 && message.contains("appsecret_proof")) {
            return MarketplaceError(.badCredentials, code: text, message: message)
        }
        if options.transientCodes.contains(code) || error["is_transient"].bool == true || response.status >= 500 {
            return MarketplaceError(.transient, code: text, message: message)
        }
        return MarketplaceError(.rejected, code: text, message: message)
    }

    /// The longest `estimated_time_to_regain_access` (minutes) in a business-use-case usage header, in seconds.
    package static func regainAccessSeconds(_ header: String?) -> Int? {
        guard let header, let usage = JSONBody.decode(Array(header.utf8))?.object else { return nil }
        let minutes = usage.values.flatMap {
            JSONValue($0).array.compactMap { $0["estimated_time_to_regain_access"].int }
        }
        // Capped at a day before multiplying: the number is the remote's, and may be anything.
        return minutes.max().flatMap { $0 > 0 ? min($0, 24 * 60) * 60 : nil }
    }
}
