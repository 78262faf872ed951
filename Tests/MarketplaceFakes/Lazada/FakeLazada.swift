public import OCOPDomain
public import OCOPMarketplaces

/// Lazada Open Platform on 127.0.0.1 (gateway and auth gateway on one port, both under `/rest`):
/// checks app key, `sign_method`, the millisecond timestamp (±7200 s), the UPPERCASE HMAC over the API
/// name and every sorted parameter from query and form, and the seller's token; answers with
/// `{"code":"0","data":…}` or `{"type","code","message"}`.
public final class FakeLazada: MarketplaceFake {
    public static let appKey = "123456"
    public static let appSecret = "fake-lazada-secret"
    /// Test-status apps get 7-day tokens.
    static let accessLifetime: Int64 = 7 * 86_400

    public let core: FakeCore
    public let marketplace = Marketplace.lazada
    private let hosted = FakeImageStore()
    /// The shop's orders, placed and moved by tests (see FakeLazada+Orders.swift).
    let orders = FakeLazadaOrders()

    private init(clock: any WallClock) {
        core = FakeCore(prefix: "lazada", clock: clock, accessLifetimeSeconds: Self.accessLifetime)
    }

    /// Starts the fake; judge timestamps and expiry by `clock`.
    public static func start(clock: any WallClock = SystemWallClock()) async throws -> FakeLazada {
        let fake = FakeLazada(clock: clock)
        fake.core.attach(try await FakeServer.start(label: "fake-lazada") { [fake] in await fake.handle($0) })
        return fake
    }

    public var baseURL: String { core.server.address + "/rest" }

    public var credentials: MarketplaceCredentials {
        MarketplaceCredentials(
            values: [
                "app_key": Self.appKey, "app_secret": Self.appSecret, "access_token": core.accessToken,
                "refresh_token": core.refreshToken, "auth_base_url": baseURL,
            ], accessTokenExpiresAt: core.accessExpiresAt)
    }

    // MARK: - Requests

    private func handle(_ request: FakeRequest) async -> FakeReply {
        let reply = await answer(request)
        if core.faults.takeLostAnswer(request.path) { return error("ISP", "InternalError", "Internal error", status: 500) }
        return reply
    }

    private func answer(_ request: FakeRequest) async -> FakeReply {
        if core.faults.takeServerError() {
            return FakeReply(
                status: 503, headers: [("Content-Type", "text/html")],
                body: Array("<html>503 Service Unavailable</html>".utf8))
        }
        if let retryAfter = core.faults.takeThrottle() {
            // ApiCallLimit and its wording are UNVERIFIED (third-party clients only).
            let wait = retryAfter.map { ", ban will last \($0) seconds" } ?? ""
            return error("ISP", "ApiCallLimit", "The request has exceeded the limit of this api\(wait)")
        }
        guard request.path.hasPrefix("/rest/") else {
            return error("ISV", "InvalidApiPath", "The specified API path is invalid")
        }
        let apiName = String(request.path.dropFirst("/rest".count))
        let parameters = request.query + request.form
        func value(_ name: String) -> String? { parameters.first { $0.0 == name }?.1 }

        guard value("app_key") == Self.appKey else { return error("ISV", "InvalidAppKey", "Invalid app key") }
        guard value("sign_method") == "sha256" else { return error("ISV", "InvalidSignMethod", "Invalid sign method") }
        guard let timestamp = value("timestamp").flatMap(Int64.init),
            abs(core.clock.now().unixMilliseconds - timestamp) <= 7_200_000
        else { return error("ISV", "InvalidTimestamp", "Invalid timestamp") }
        let expected = LazadaSigner.sign(appSecret: Self.appSecret, apiName: apiName, parameters: parameters)
        guard let sign = value("sign"), HMACHex.equal(sign, expected) else {
            return error("ISV", "IncompleteSignature", "The request signature does not conform to lazada standards")
        }
        if apiName == "/auth/token/refresh" { return refresh(value("refresh_token")) }
        switch core.checkAccess(value("access_token")) {
        case .valid: break
        case .expired, .invalid:
            return error("ISV", "IllegalAccessToken", "The specified access token is invalid or expired")
        }
        let payload = value("payload") ?? ""
        switch apiName {
        case "/image/migrate": return migrate(payload)
        case "/product/create": return create(payload)
        case "/product/update": return update(payload)
        case "/product/price_quantity/update": return priceQuantity(payload)
        case "/product/deactivate": return deactivate(value("apiRequestBody") ?? "")
        case "/order/get": return order(value("order_id"))
        case "/orders/items/get": return orderItems(value("order_ids"))
        case "/orders/get": return orderList(value)
        case "/products/get": return products(value)
        default: return error("ISV", "InvalidApiPath", "The specified API path is invalid")
        }
    }

    // MARK: - APIs

    private func refresh(_ refreshToken: String?) -> FakeReply {
        guard let tokens = core.rotate(refreshToken: refreshToken, accessLifetimeSeconds: Self.accessLifetime) else {
            return error("ISV", "IllegalRefreshToken", "The specified refresh token is invalid or expired")
        }
        return .json(
            200,
            [
                "code": "0", "access_token": tokens.access, "refresh_token": tokens.refresh,
                "expires_in": Self.accessLifetime, "refresh_expires_in": 14 * 86_400, "country": "vn",
                "account": "seller@example.vn", "request_id": requestID(),
            ])
    }

    private func migrate(_ payload: String) -> FakeReply {
        guard let url = FakeXML.value("Url", in: payload), url.hasPrefix("http") else {
            return error("ISV", "1000", "Url is required")
        }
        let id = hosted.add(Array(url.utf8), prefix: "lzd")
        return success(["image": ["url": "https://vn-live.slatic.net/p/\(id).png", "hash_code": id]])
    }

    private func create(_ payload: String) -> FakeReply {
        guard let product = JSONBody.decode(Array(payload.utf8))?["Request"]["Product"], product.exists else {
            return error("ISV", "1001", "payload is not a valid document")
        }
        if let refusal = checkProduct(product, creating: true) { return refusal }
        let sku = product["Skus"]["Sku"][0]
        let itemID = String(2_000_000_000 + core.nextNumber())
        let skuID = String(5_000_000_000 + core.nextNumber())
        core.insert(
            FakeListing(
                id: itemID, sku: sku["SellerSku"].string ?? "", title: product["Attributes"]["name"].string ?? "",
                description: product["Attributes"]["description"].string ?? "", priceVND: sku["price"].int ?? 0,
                stock: sku["quantity"].int ?? 0, status: "active", isOnSale: true,
                categoryID: product["PrimaryCategory"].string ?? "", imageCount: product["Images"]["Image"].array.count)
        )
        return success([
            "item_id": Int(itemID)!,
            "sku_list": [
                [
                    "seller_sku": sku["SellerSku"].string ?? "", "sku_id": Int(skuID)!,
                    "shop_sku": "\(itemID)_VNAMZ-\(skuID)",
                ]
            ],
        ])
    }

    private func update(_ payload: String) -> FakeReply {
        guard let product = JSONBody.decode(Array(payload.utf8))?["Request"]["Product"], product.exists else {
            return error("ISV", "1001", "payload is not a valid document")
        }
        if let refusal = checkProduct(product, creating: false) { return refusal }
        let sku = product["Skus"]["Sku"][0]
        let found = core.update(id: product["ItemId"].string ?? "") { listing in
            if let title = product["Attributes"]["name"].string { listing.title = title }
            if let description = product["Attributes"]["description"].string { listing.description = description }
            if let price = sku["price"].int { listing.priceVND = price }
            if let quantity = sku["quantity"].int { listing.stock = quantity }
            listing.imageCount = product["Images"]["Image"].array.count
        }
        return found ? success([:]) : error("ISV", "208", "Item not found", status: 200)
    }

    /// Arrays where Lazada wants arrays (else 1001), Lazada-hosted images, a leaf category and the SKU basics.
    private func checkProduct(_ product: JSONValue, creating: Bool) -> FakeReply? {
        guard product["Images"]["Image"].raw is [Any], product["Skus"]["Sku"].raw is [Any] else {
            return error("ISV", "1001", "Images.Image and Skus.Sku must be arrays")
        }
        let images = product["Images"]["Image"].array.compactMap(\.string)
        guard images.count <= 8, images.allSatisfy({ $0.hasPrefix("https://vn-live.slatic.net/") }) else {
            return error("ISV", "500", "Images must be Lazada-hosted URLs (use MigrateImage), at most 8")
        }
        if creating {
            guard !images.isEmpty, product["PrimaryCategory"].string != nil, product["Attributes"]["name"].string != nil
            else { return error("ISV", "500", "PrimaryCategory, Attributes.name and an image are required") }
        } else if product["ItemId"].string == nil {
            return error("ISV", "500", "ItemId is required")
        }
        let sku = product["Skus"]["Sku"][0]
        guard sku["SellerSku"].string != nil, (sku["price"].int ?? 0) > 0, (sku["quantity"].int ?? -1) >= 0,
            !creating || sku["package_weight"].exists
        else { return error("ISV", "500", "SellerSku, price, quantity and package_weight are required") }
        return nil
    }

    private func priceQuantity(_ payload: String) -> FakeReply {
        let skus = FakeXML.values("Sku", in: payload)
        guard !skus.isEmpty, skus.count <= 50 else { return error("ISV", "1001", "1 to 50 Sku elements are required") }
        for sku in skus {
            guard let itemID = FakeXML.value("ItemId", in: sku), let listing = core.listing(id: itemID),
                FakeXML.value("SellerSku", in: sku) == listing.sku
            else { return error("ISV", "500", "SellerSku not found", detail: "SELLER_SKU_NOT_FOUND") }
            let price = FakeXML.value("Price", in: sku).flatMap(Int.init)
            let quantity = FakeXML.value("Quantity", in: sku).flatMap(Int.init)
            guard price.map({ $0 > 0 }) ?? true, quantity.map({ $0 >= 0 }) ?? true else {
                return error("ISV", "500", "Price must be positive and Quantity non-negative")
            }
            core.update(id: itemID) { listing in
                if let price { listing.priceVND = price }
                if let quantity { listing.stock = quantity }
            }
        }
        return success([:])
    }

    private func deactivate(_ body: String) -> FakeReply {
        guard let itemID = FakeXML.value("ItemId", in: body) else { return error("ISV", "500", "ItemId is required") }
        let found = core.update(id: itemID) { listing in
            listing.status = "inactive"
            listing.isOnSale = false
        }
        return found ? success([:]) : error("ISV", "208", "Item not found")
    }

    // MARK: - Envelope

    func success(_ data: Any) -> FakeReply {
        .json(200, ["code": "0", "data": data, "request_id": requestID()])
    }

    /// Lazada reports errors in the envelope with HTTP 200 (the status of errors is UNVERIFIED).
    func error(_ type: String, _ code: String, _ message: String, detail: String? = nil, status: Int = 200)
        -> FakeReply
    {
        var body: [String: Any] = ["type": type, "code": code, "message": message, "request_id": requestID()]
        if let detail { body["detail"] = [["field": "SellerSku", "message": detail]] }
        return .json(status, body)
    }

    func requestID() -> String { "0b\(core.nextNumber())" }
}
