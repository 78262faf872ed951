public import OCOPDomain
public import OCOPMarketplaces

/// A Meta Commerce catalog behind a fake Graph API on 127.0.0.1, with "Require App Secret" on:
/// checks the version path, the catalog, the access token (validity and expiry, code 190) and the
/// `appsecret_proof` recomputed from it (code 100), validates each `items_batch` request as the feed
/// spec requires, and answers `{"handles","validation_status"}` or `{"error":{…}}` with HTTP 4xx/5xx.
public final class FakeMetaCatalog: MarketplaceFake {
    public static let appID = "1234567890"
    public static let appSecret = "fake-meta-app-secret"
    public static let catalogID = "880000000000001"
    /// Long-lived tokens last about 60 days.
    static let accessLifetime: Int64 = 60 * 86_400

    public let core: FakeCore
    public let marketplace = Marketplace.facebook

    private init(clock: any WallClock) {
        core = FakeCore(prefix: "EAAG", clock: clock, accessLifetimeSeconds: Self.accessLifetime)
    }

    /// Starts the fake; judge timestamps and expiry by `clock`.
    public static func start(clock: any WallClock = SystemWallClock()) async throws -> FakeMetaCatalog {
        let fake = FakeMetaCatalog(clock: clock)
        fake.core.attach(try await FakeServer.start(label: "fake-meta-catalog") { [fake] in await fake.handle($0) })
        return fake
    }

    public var baseURL: String { core.server.address }

    public var credentials: MarketplaceCredentials {
        MarketplaceCredentials(
            values: [
                "app_id": Self.appID, "app_secret": Self.appSecret, "access_token": core.accessToken,
                "catalog_id": Self.catalogID,
            ], accessTokenExpiresAt: core.accessExpiresAt)
    }

    // MARK: - Requests

    private func handle(_ request: FakeRequest) async -> FakeReply {
        let reply = await answer(request)
        if core.faults.takeLostAnswer(request.path) {
            return graphError(500, 2, "An unexpected error has occurred. Please retry your request later.", transient: true)
        }
        return reply
    }

    private func answer(_ request: FakeRequest) async -> FakeReply {
        if core.faults.takeServerError() {
            return graphError(
                500, 2, "An unexpected error has occurred. Please retry your request later.", transient: true)
        }
        if let retryAfter = core.faults.takeThrottle() {
            let minutes = retryAfter.map { ($0 + 59) / 60 } ?? 0
            let usage = JSONBody.encodeString([
                Self.catalogID: [
                    [
                        "type": "catalog_batch", "call_count": 100, "total_cputime": 10, "total_time": 10,
                        "estimated_time_to_regain_access": minutes,
                    ]
                ]
            ])
            return graphError(
                400, 80014, "There have been too many calls for this catalog. Wait a bit and try again.",
                headers: [("X-Business-Use-Case-Usage", usage)])
        }
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[0].hasPrefix("v"), parts[0].contains(".") else {
            return graphError(400, 2500, "Unknown path components: \(request.path)", type: "OAuthException")
        }
        let parameters = request.query + request.form
        func value(_ name: String) -> String? { parameters.first { $0.0 == name }?.1 }
        if parts.count == 3 && parts[1] == "oauth" && parts[2] == "access_token" { return exchange(value) }

        guard let token = value("access_token") else {
            return graphError(
                400, 2500, "An active access token must be used to query information about the current user.",
                type: "OAuthException")
        }
        switch core.checkAccess(token) {
        case .valid: break
        case .expired:
            return graphError(
                400, 190, "Error validating access token: Session has expired.", type: "OAuthException", subcode: 463)
        case .invalid:
            return graphError(
                400, 190, "Invalid OAuth access token - Cannot parse access token", type: "OAuthException")
        }
        guard let proof = value("appsecret_proof") else {
            return graphError(400, 100, "API calls from the server require an appsecret_proof argument")
        }
        guard HMACHex.equal(proof, MetaAppSecretProof.proof(appSecret: Self.appSecret, accessToken: token)) else {
            return graphError(400, 100, "Invalid appsecret_proof provided in the API argument")
        }
        guard request.method == "POST", parts.count == 3, parts[2] == "items_batch" else {
            return graphError(400, 100, "Unsupported request: \(request.method) \(request.path)")
        }
        guard parts[1] == Self.catalogID else {
            return graphError(
                400, 100,
                "Unsupported post request. Object with ID '\(parts[1])' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
                subcode: 33)
        }
        guard value("item_type") == "PRODUCT_ITEM" else {
            return graphError(400, 100, "(#100) item_type must be PRODUCT_ITEM")
        }
        guard let requests = value("requests").flatMap({ JSONBody.decode(Array($0.utf8)) }), requests.raw is [Any],
            (1...5000).contains(requests.array.count)
        else { return graphError(400, 100, "(#100) requests must be a JSON array of 1 to 5000 requests") }
        // Documented default: an UPDATE of an item the catalog lacks creates it.
        let upserts = value("allow_upsert") != "false"
        var statuses: [[String: Any]] = []
        for entry in requests.array {
            let retailerID = entry["data"]["id"].string ?? ""
            var method = entry["method"].string ?? ""
            if method == "UPDATE", upserts, core.listing(id: retailerID) == nil { method = "CREATE" }
            let problems = apply(method, entry["data"])
            if !problems.isEmpty {
                statuses.append(["retailer_id": retailerID, "errors": problems.map { ["message": $0] }, "warnings": []])
            }
        }
        return .json(200, ["handles": ["fake-handle-\(core.nextNumber())"], "validation_status": statuses])
    }

    /// GET /oauth/access_token?grant_type=fb_exchange_token: only a valid token can be exchanged.
    private func exchange(_ value: (String) -> String?) -> FakeReply {
        guard value("grant_type") == "fb_exchange_token", value("client_id") == Self.appID,
            value("client_secret") == Self.appSecret
        else {
            return graphError(
                400, 101, "Error validating application. Invalid application ID or secret.", type: "OAuthException")
        }
        switch core.checkAccess(value("fb_exchange_token")) {
        case .valid:
            let tokens = core.reissueAccess(accessLifetimeSeconds: Self.accessLifetime)
            return .json(
                200, ["access_token": tokens.access, "token_type": "bearer", "expires_in": Self.accessLifetime])
        case .expired:
            return graphError(
                400, 190, "Error validating access token: Session has expired.", type: "OAuthException", subcode: 463)
        case .invalid:
            return graphError(
                400, 190, "Invalid OAuth access token - Cannot parse access token", type: "OAuthException")
        }
    }

    // MARK: - Items

    private static let availabilities: Set<String> = [
        "in stock", "out of stock", "preorder", "available for order", "discontinued",
    ]

    /// Applies one batch request; returns its validation errors (nothing is applied when there are any).
    private func apply(_ method: String, _ data: JSONValue) -> [String] {
        guard let id = data["id"].string, !id.isEmpty else { return ["id is required"] }
        var problems: [String] = []
        if let availability = data["availability"].string, !Self.availabilities.contains(availability) {
            problems.append("availability is not one of the allowed values")
        }
        if let visibility = data["visibility"].string, visibility != "published" && visibility != "staging" {
            problems.append("visibility must be published or staging")
        }
        let price = data["price"].string.map(Self.price)
        if let price, price == nil { problems.append("price must look like '185000 VND'") }
        switch method {
        case "CREATE":
            for field in ["title", "description", "availability", "condition", "price", "link", "image_link"]
            where data[field].string?.isEmpty ?? true {
                problems.append("\(field) is required")
            }
            if data["brand"].string == nil && data["gtin"].string == nil && data["mpn"].string == nil {
                problems.append("one of brand, gtin or mpn is required")
            }
            if core.listing(id: id) != nil { problems.append("an item with retailer id \(id) already exists") }
            guard problems.isEmpty else { return problems }
            let availability = data["availability"].string ?? ""
            let visibility = data["visibility"].string ?? "published"
            core.insert(
                FakeListing(
                    id: id, sku: id, title: data["title"].string ?? "", description: data["description"].string ?? "",
                    priceVND: (price ?? nil) ?? 0, stock: data["inventory"].int ?? 0,
                    status: "\(visibility), \(availability)",
                    isOnSale: visibility == "published" && availability == "in stock",
                    categoryID: data["google_product_category"].string ?? "",
                    imageCount: 1 + data["additional_image_link"].array.count))
        case "UPDATE":
            guard problems.isEmpty else { return problems }
            let found = core.update(id: id) { listing in
                if let title = data["title"].string { listing.title = title }
                if let description = data["description"].string { listing.description = description }
                if let price = price ?? nil { listing.priceVND = price }
                if let inventory = data["inventory"].int { listing.stock = inventory }
                var state = listing.status.split(separator: ",").map { $0.trimmingSpaces() }.map(String.init)
                if let visibility = data["visibility"].string { state[0] = visibility }
                if let availability = data["availability"].string { state[1] = availability }
                listing.status = state.joined(separator: ", ")
                listing.isOnSale = state[0] == "published" && state[1] == "in stock"
            }
            if !found { return ["no item with retailer id \(id) in this catalog"] }
        case "DELETE":
            if !core.remove(id: id) { return ["no item with retailer id \(id) in this catalog"] }
        default:
            return ["method must be CREATE, UPDATE or DELETE"]
        }
        return []
    }

    /// "185000 VND" → 185000; nil for any other shape or currency.
    private static func price(_ text: String) -> Int? {
        let parts = text.split(separator: " ")
        guard parts.count == 2, parts[1] == "VND", let amount = Int(parts[0]), amount > 0 else { return nil }
        return amount
    }

    // MARK: - Errors

    private func graphError(
        _ status: Int, _ code: Int, _ message: String, type: String = "GraphMethodException", subcode: Int? = nil,
        transient: Bool = false, headers: [(String, String)] = []
    ) -> FakeReply {
        var error: [String: Any] = [
            "message": message, "type": type, "code": code, "fbtrace_id": "Afake\(core.nextNumber())",
        ]
        if let subcode { error["error_subcode"] = subcode }
        if transient { error["is_transient"] = true }
        return .json(status, ["error": error], headers: headers)
    }
}
