public import OCOPDomain
public import OCOPMarketplaces
import Synchronization

/// TikTok Shop (202309 APIs) on 127.0.0.1, API and auth host on one port: checks app key, the
/// timestamp window [now − 5 min, now + 30 s], the wrapped HMAC over path, sorted query and the raw
/// JSON body (not multipart), the shop cipher and the `x-tts-access-token`; answers
/// `{"code","message","data","request_id"}` with real HTTP statuses.
public final class FakeTikTokShop: MarketplaceFake {
    public static let appKey = "29a39d"
    public static let appSecret = "fake-tiktok-secret"
    public static let shopCipher = "ROW_fake_cipher"
    public static let warehouseID = "7068517275539719942"
    /// Access tokens live 7 days.
    static let accessLifetime: Int64 = 7 * 86_400

    public let core: FakeCore
    public let marketplace = Marketplace.tiktokShop
    private let images = FakeImageStore()
    /// The shop's orders, placed and moved by tests (see FakeTikTokShop+Orders.swift).
    let orders = FakeTikTokOrders()
    /// Product id → the platform's SKU id.
    let skuIDs = Mutex<[String: String]>([:])

    private init(clock: any WallClock) {
        core = FakeCore(prefix: "tts", clock: clock, accessLifetimeSeconds: Self.accessLifetime)
    }

    /// Starts the fake; judge timestamps and expiry by `clock`.
    public static func start(clock: any WallClock = SystemWallClock()) async throws -> FakeTikTokShop {
        let fake = FakeTikTokShop(clock: clock)
        fake.core.attach(try await FakeServer.start(label: "fake-tiktok-shop") { [fake] in await fake.handle($0) })
        return fake
    }

    public var baseURL: String { core.server.address }

    public var credentials: MarketplaceCredentials {
        MarketplaceCredentials(
            values: [
                "app_key": Self.appKey, "app_secret": Self.appSecret, "shop_cipher": Self.shopCipher,
                "access_token": core.accessToken, "refresh_token": core.refreshToken, "warehouse_id": Self.warehouseID,
                "auth_base_url": baseURL,
            ], accessTokenExpiresAt: core.accessExpiresAt)
    }

    // MARK: - Requests

    private func handle(_ request: FakeRequest) async -> FakeReply {
        let reply = await answer(request)
        if core.faults.takeLostAnswer(request.path) { return error(500, 36009003, "Internal error, please try again later.") }
        return reply
    }

    private func answer(_ request: FakeRequest) async -> FakeReply {
        if core.faults.takeServerError() { return error(503, 36009003, "Internal error, please try again later.") }
        if let retryAfter = core.faults.takeThrottle() {
            return error(
                429, 36009002, "Too many requests", headers: retryAfter.map { [("Retry-After", String($0))] } ?? [])
        }
        if request.path == "/api/v2/token/refresh" { return refresh(request) }
        guard request.queryValue("app_key") == Self.appKey else { return error(401, 36009004, "Invalid app_key.") }
        guard let timestampText = request.queryValue("timestamp"), timestampText.count == 10,
            let timestamp = Int64(timestampText), timestamp >= core.nowSeconds - 300, timestamp <= core.nowSeconds + 30
        else { return error(401, 36009004, "Invalid timestamp: the request timestamp is out of the valid window.") }
        let isMultipart = request.contentType.hasPrefix("multipart/form-data")
        let expected = TikTokSigner.sign(
            appSecret: Self.appSecret, path: request.path, query: request.query, body: isMultipart ? [] : request.body)
        guard let sign = request.queryValue("sign"), HMACHex.equal(sign, expected) else {
            return error(401, 106001, "Invalid signature.")
        }
        switch core.checkAccess(request.header("x-tts-access-token")) {
        case .valid: break
        case .expired: return error(401, 105002, "Expired credentials.")
        case .invalid: return error(401, 105001, "Invalid credentials.")
        }
        if request.path == "/product/202309/images/upload" && request.method == "POST" { return upload(request) }
        guard request.queryValue("shop_cipher") == Self.shopCipher else {
            return error(400, 106013, "shop_cipher is missing or does not match an authorized shop.")
        }
        if !isMultipart && !request.body.isEmpty && !request.contentType.hasPrefix("application/json") {
            return error(400, 36009004, "content-type must be application/json.")
        }
        if request.path == "/order/202309/orders" && request.method == "GET" { return orderDetail(request) }
        if request.path == "/order/202309/orders/search" && request.method == "POST" { return orderSearch(request) }
        if request.path == "/product/202312/products/search" && request.method == "POST" { return productSearch(request) }
        let parts = request.path.split(separator: "/").map(String.init)
        // ["product", "202309", "products", <id>?, <action>?, <verb>?]
        guard parts.count >= 3, parts[0] == "product", parts[1] == "202309", parts[2] == "products" else {
            return error(404, 36009004, "API not found.")
        }
        switch (request.method, parts.count) {
        case ("POST", 3): return create(request)
        case ("POST", 4) where parts[3] == "deactivate": return deactivate(request)
        case ("GET", 4): return detail(parts[3])
        case ("PUT", 4): return edit(parts[3], request)
        case ("POST", 6) where parts[4] == "prices" && parts[5] == "update": return updatePrice(parts[3], request)
        case ("POST", 6) where parts[4] == "inventory" && parts[5] == "update":
            return updateInventory(parts[3], request)
        default: return error(404, 36009004, "API not found.")
        }
    }

    // MARK: - APIs

    private func refresh(_ request: FakeRequest) -> FakeReply {
        guard request.method == "GET", request.queryValue("app_key") == Self.appKey,
            request.queryValue("app_secret") == Self.appSecret, request.queryValue("grant_type") == "refresh_token"
        else { return error(400, 36009004, "Invalid app_key, app_secret or grant_type.") }
        guard
            let tokens = core.rotate(
                refreshToken: request.queryValue("refresh_token"), accessLifetimeSeconds: Self.accessLifetime)
        else { return error(400, 36009004, "Invalid refresh_token.") }
        return success([
            "access_token": tokens.access, "access_token_expire_in": tokens.expiresAt.unixMilliseconds / 1000,
            "refresh_token": tokens.refresh,
            "refresh_token_expire_in": tokens.expiresAt.unixMilliseconds / 1000 + 86_400 * 365,
            "open_id": "fake-open-id", "seller_name": "HTX Chè Tân Cương", "seller_base_region": "VN", "user_type": 0,
        ])
    }

    private func upload(_ request: FakeRequest) -> FakeReply {
        let parts = request.multipart
        guard let file = parts.first(where: { $0.name == "data" }), !file.content.isEmpty,
            file.content.count <= 5 * 1024 * 1024
        else { return error(400, 12019022, "data must be a JPG/JPEG/PNG image of at most 5 MB.") }
        let useCases = [
            "MAIN_IMAGE", "ATTRIBUTE_IMAGE", "DESCRIPTION_IMAGE", "CERTIFICATION_IMAGE", "SIZE_CHART_IMAGE",
        ]
        guard let useCase = parts.first(where: { $0.name == "use_case" }),
            useCases.contains(String(decoding: useCase.content, as: UTF8.self))
        else { return error(400, 36009004, "use_case is invalid.") }
        let uri = images.add(file.content, prefix: "tos-maliva-i-o3syd03w52-us/fake")
        return success([
            "uri": uri, "url": "https://p16-oec-va.ibyteimg.com/\(uri)~tplv-o3syd03w52-origin-jpeg.jpeg", "width": 1,
            "height": 1,
        ])
    }

    private func create(_ request: FakeRequest) -> FakeReply {
        guard let body = request.json else { return error(400, 36009004, "Body is not JSON.") }
        if let refusal = checkProduct(body) { return refusal }
        let sku = body["skus"][0]
        let productID = String(1_729_592_969_712_207_000 + core.nextNumber())
        let skuID = String(1_729_592_969_712_300_000 + core.nextNumber())
        skuIDs.withLock { $0[productID] = skuID }
        core.insert(
            FakeListing(
                id: productID, sku: sku["seller_sku"].string ?? "", title: body["title"].string ?? "",
                description: body["description"].string ?? "", priceVND: sku["price"]["amount"].int ?? 0,
                stock: sku["inventory"][0]["quantity"].int ?? 0, status: "ACTIVATE", isOnSale: true,
                categoryID: body["category_id"].string ?? "", imageCount: body["main_images"].array.count))
        return success([
            "product_id": productID,
            "skus": [["id": skuID, "seller_sku": sku["seller_sku"].string ?? "", "sales_attributes": []]],
            "warnings": [],
        ])
    }

    /// The create/edit rules: title, description, leaf category, uploaded main images, SKUs with price,
    /// inventory and a known warehouse, package weight.
    private func checkProduct(_ body: JSONValue) -> FakeReply? {
        guard let title = body["title"].string, !title.isEmpty, title.count <= 255, body["description"].string != nil,
            body["category_id"].string != nil
        else { return error(400, 12052048, "title, description and category_id are required.") }
        let uris = body["main_images"].array.compactMap { $0["uri"].string }
        guard !uris.isEmpty, uris.count <= 9, uris.allSatisfy(images.contains) else {
            return error(400, 12052008, "main_images must be uploaded images (1 to 9).")
        }
        let sku = body["skus"][0]
        guard sku["price"]["currency"].string == "VND", let amount = sku["price"]["amount"].string, Int(amount) ?? 0 > 0
        else { return error(400, 12052230, "skus.price must be a positive VND amount.") }
        let inventory = sku["inventory"][0]
        guard let quantity = inventory["quantity"].int, (0...99_999).contains(quantity),
            inventory["warehouse_id"].string == Self.warehouseID
        else { return error(400, 12052251, "skus.inventory needs a quantity 0-99999 in a warehouse of the shop.") }
        guard body["package_weight"]["value"].string != nil, body["package_weight"]["unit"].string == "KILOGRAM" else {
            return error(400, 12052217, "package_weight is required.")
        }
        return nil
    }

    private func detail(_ productID: String) -> FakeReply {
        guard let listing = core.listing(id: productID), let skuID = skuIDs.withLock({ $0[productID] }) else {
            return error(404, 12052700, "Product not found.")
        }
        return success([
            "id": productID, "title": listing.title, "status": listing.status,
            "skus": [
                [
                    "id": skuID, "seller_sku": listing.sku,
                    "price": ["sale_price": String(listing.priceVND), "currency": "VND"],
                    "inventory": [["warehouse_id": Self.warehouseID, "quantity": listing.stock]],
                ]
            ],
        ])
    }

    private func edit(_ productID: String, _ request: FakeRequest) -> FakeReply {
        guard let body = request.json else { return error(400, 36009004, "Body is not JSON.") }
        if let refusal = checkProduct(body) { return refusal }
        guard let refusal = checkSKU(productID, body["skus"][0]["id"].string) else {
            let sku = body["skus"][0]
            core.update(id: productID) { listing in
                listing.title = body["title"].string ?? listing.title
                listing.description = body["description"].string ?? listing.description
                listing.priceVND = sku["price"]["amount"].int ?? listing.priceVND
                listing.stock = sku["inventory"][0]["quantity"].int ?? listing.stock
                listing.imageCount = body["main_images"].array.count
            }
            return success([
                "product_id": productID,
                "skus": [["id": sku["id"].string ?? "", "seller_sku": sku["seller_sku"].string ?? ""]],
            ])
        }
        return refusal
    }

    private func updatePrice(_ productID: String, _ request: FakeRequest) -> FakeReply {
        let sku = request.json?["skus"][0] ?? JSONValue(nil)
        if let refusal = checkSKU(productID, sku["id"].string) { return refusal }
        guard sku["price"]["currency"].string == "VND", let amount = sku["price"]["amount"].string.flatMap({ Int($0) }),
            amount > 0
        else { return error(400, 12052230, "price must be a positive VND amount.") }
        core.update(id: productID) { $0.priceVND = amount }
        return success([:])
    }

    private func updateInventory(_ productID: String, _ request: FakeRequest) -> FakeReply {
        let sku = request.json?["skus"][0] ?? JSONValue(nil)
        if let refusal = checkSKU(productID, sku["id"].string) { return refusal }
        guard let quantity = sku["inventory"][0]["quantity"].int, (0...99_999).contains(quantity) else {
            return error(400, 12052251, "quantity must be between 0 and 99999.")
        }
        core.update(id: productID) { $0.stock = quantity }
        return success([:])
    }

    private func deactivate(_ request: FakeRequest) -> FakeReply {
        let ids = request.json?["product_ids"].array.compactMap(\.string) ?? []
        guard !ids.isEmpty else { return error(400, 36009004, "product_ids is required.") }
        var failed: [[String: Any]] = []
        for id in ids {
            let found = core.update(id: id) { listing in
                listing.status = "SELLER_DEACTIVATED"
                listing.isOnSale = false
            }
            if !found { failed.append(["id": id, "reasons": ["Product not found."]]) }
        }
        return success(["errors": failed])
    }

    private func checkSKU(_ productID: String, _ skuID: String?) -> FakeReply? {
        guard core.listing(id: productID) != nil else { return error(404, 12052700, "Product not found.") }
        guard let skuID, skuIDs.withLock({ $0[productID] }) == skuID else {
            return error(400, 12052701, "SKU does not belong to the product.")
        }
        return nil
    }

    // MARK: - Envelope

    func success(_ data: [String: Any]) -> FakeReply {
        .json(200, ["code": 0, "message": "Success", "data": data, "request_id": requestID()])
    }

    /// Errors keep the envelope with a non-zero code and `data` null (codes other than 36009002,
    /// 106001, 105002 are illustrative: MARKETPLACES.md marks most of them UNVERIFIED).
    func error(_ status: Int, _ code: Int, _ message: String, headers: [(String, String)] = []) -> FakeReply {
        .json(
            status, ["code": code, "message": message, "data": JSONNull.value, "request_id": requestID()],
            headers: headers)
    }

    func requestID() -> String { "2024\(core.nextNumber())" }
}
