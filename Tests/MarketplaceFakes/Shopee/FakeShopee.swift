public import OCOPDomain
public import OCOPMarketplaces

/// Shopee Open Platform v2 on 127.0.0.1: checks partner id, the 5-minute timestamp window, the
/// HMAC `sign` over `partner_id + path + timestamp [+ access_token + shop_id]`, the shop's token and
/// its expiry, and answers with the `error`/`message`/`request_id`/`response` envelope.
public final class FakeShopee: MarketplaceFake {
    public static let partnerID = "2001887"
    public static let partnerKey = "fake_partner_key_0123456789abcdef"
    public static let shopID = "600000"
    /// Channel ids the fake shop has enabled; add_item must name at least one.
    public static let logisticIDs = "50011,50012"
    /// Shopee's access tokens live 4 hours.
    static let accessLifetime: Int64 = 4 * 3600

    public let core: FakeCore
    public let marketplace = Marketplace.shopee
    private let images = FakeImageStore()
    /// The shop's orders, placed and moved by tests (see FakeShopee+Orders.swift).
    let orders = FakeShopeeOrders()

    private init(clock: any WallClock) {
        core = FakeCore(prefix: "shopee", clock: clock, accessLifetimeSeconds: Self.accessLifetime)
    }

    /// Starts the fake; judge timestamps and expiry by `clock`.
    public static func start(clock: any WallClock = SystemWallClock()) async throws -> FakeShopee {
        let fake = FakeShopee(clock: clock)
        fake.core.attach(try await FakeServer.start(label: "fake-shopee") { [fake] in await fake.handle($0) })
        return fake
    }

    public var baseURL: String { core.server.address }

    public var credentials: MarketplaceCredentials {
        MarketplaceCredentials(
            values: [
                "partner_id": Self.partnerID, "partner_key": Self.partnerKey, "shop_id": Self.shopID,
                "access_token": core.accessToken, "refresh_token": core.refreshToken, "logistic_ids": Self.logisticIDs,
            ], accessTokenExpiresAt: core.accessExpiresAt)
    }

    // MARK: - Requests

    private static let publicPaths: Set<String> = ["/api/v2/auth/access_token/get", "/api/v2/media_space/upload_image"]

    private func handle(_ request: FakeRequest) async -> FakeReply {
        let reply = await answer(request)
        if core.faults.takeLostAnswer(request.path) {
            return error(500, "error_inner", "Internal server error, please try again later.")
        }
        return reply
    }

    private func answer(_ request: FakeRequest) async -> FakeReply {
        if core.faults.takeServerError() {
            return error(500, "error_inner", "Internal server error, please try again later.")
        }
        if let retryAfter = core.faults.takeThrottle() {
            // Shopee's throttling code is not documented (UNVERIFIED); HTTP 429 carries the meaning here.
            return error(
                429, "error_too_many_request", "Too many requests, please try again later.",
                headers: retryAfter.map { [("Retry-After", String($0))] } ?? [])
        }
        guard request.method == "POST" || request.method == "GET" else {
            return error(405, "error_method", "Method not allowed.")
        }
        let isPublic = Self.publicPaths.contains(request.path)
        if let refusal = checkCommonParameters(request, isPublic: isPublic) { return refusal }
        switch request.path {
        case "/api/v2/auth/access_token/get": return refresh(request)
        case "/api/v2/media_space/upload_image": return uploadImage(request)
        case "/api/v2/product/add_item": return addItem(request)
        case "/api/v2/product/update_item": return updateItem(request)
        case "/api/v2/product/update_price": return updatePrice(request)
        case "/api/v2/product/update_stock": return updateStock(request)
        case "/api/v2/product/unlist_item": return unlistItem(request)
        case "/api/v2/order/get_order_detail": return orderDetail(request)
        case "/api/v2/order/get_order_list": return orderList(request)
        case "/api/v2/product/get_item_list": return itemList(request)
        case "/api/v2/product/get_item_base_info": return itemBaseInfo(request)
        default: return error(404, "error_not_found", "Api not found.")
        }
    }

    /// partner_id, timestamp, sign (and access_token, shop_id for shop APIs), as the gateway checks them.
    private func checkCommonParameters(_ request: FakeRequest, isPublic: Bool) -> FakeReply? {
        guard let partnerID = request.queryValue("partner_id"), partnerID == Self.partnerID else {
            return error(403, "error_param", "There is no partner_id in query or it is invalid.")
        }
        guard let timestampText = request.queryValue("timestamp"), let timestamp = Int64(timestampText),
            timestampText.count == 10, abs(core.nowSeconds - timestamp) <= 300
        else { return error(403, "error_param", "Invalid timestamp.") }
        guard let sign = request.queryValue("sign") else {
            return error(403, "error_param", "There is no sign in query.")
        }
        let accessToken = isPublic ? nil : request.queryValue("access_token")
        let shopID = isPublic ? nil : request.queryValue("shop_id")
        if !isPublic && (accessToken == nil || shopID == nil) {
            return error(403, "error_param", "There is no access_token or shop_id in query.")
        }
        let expected = ShopeeSigner.sign(
            partnerKey: Self.partnerKey, partnerID: partnerID, path: request.path, timestamp: timestamp,
            accessToken: accessToken, shopID: shopID)
        guard HMACHex.equal(sign, expected) else { return error(403, "error_sign", "Wrong sign.") }
        if !isPublic {
            guard shopID == Self.shopID else { return error(403, "error_auth", "No permission to current shop.") }
            switch core.checkAccess(accessToken) {
            case .valid: break
            case .expired, .invalid: return error(403, "invalid_acceess_token", "Invalid access_token.")
            }
        }
        return nil
    }

    // MARK: - APIs

    private func refresh(_ request: FakeRequest) -> FakeReply {
        guard let body = request.json, body["partner_id"].string == Self.partnerID,
            body["shop_id"].string == Self.shopID
        else { return error(400, "error_param", "partner_id and shop_id are required.") }
        guard
            let tokens = core.rotate(
                refreshToken: body["refresh_token"].string, accessLifetimeSeconds: Self.accessLifetime)
        else { return error(403, "error_auth", "Invalid refresh_token.") }
        return .json(
            200,
            [
                "error": "", "message": "", "request_id": requestID(), "access_token": tokens.access,
                "refresh_token": tokens.refresh, "expire_in": Self.accessLifetime, "partner_id": Int(Self.partnerID)!,
                "shop_id": Int(Self.shopID)!,
            ])
    }

    private func uploadImage(_ request: FakeRequest) -> FakeReply {
        guard let image = request.multipart.first(where: { $0.name == "image" }), !image.content.isEmpty else {
            return error(400, "error_param", "image is required.", namespace: "media_space")
        }
        guard image.content.count <= 10 * 1024 * 1024 else {
            return error(400, "error_param", "image is larger than 10 MB.", namespace: "media_space")
        }
        let imageID = images.add(image.content)
        return success(["image_info": ["image_id": imageID, "image_url_list": []]])
    }

    private func addItem(_ request: FakeRequest) -> FakeReply {
        guard let body = request.json else {
            return error(400, "error_param", "Body is not JSON.", namespace: "product")
        }
        for field in ["item_name", "description", "original_price", "weight", "category_id", "brand"]
        where !body[field].exists {
            return error(400, "error_param", "invalid field \(field): value must Not Null", namespace: "product")
        }
        let imageIDs = body["image"]["image_id_list"].array.compactMap(\.string)
        guard !imageIDs.isEmpty, imageIDs.allSatisfy(images.contains) else {
            return error(400, "error_param", "image_id_list must name uploaded images.", namespace: "product")
        }
        guard !body["logistic_info"].array.isEmpty else {
            return error(400, "error_param", "logistic_info is required.", namespace: "product")
        }
        guard let price = body["original_price"].int, price > 0, body["weight"].double ?? 0 > 0 else {
            return error(400, "error_param", "original_price and weight must be positive.", namespace: "product")
        }
        let itemID = String(800_000_000 + core.nextNumber())
        let normal = body["item_status"].string != "UNLIST"
        core.insert(
            FakeListing(
                id: itemID, sku: body["item_sku"].string ?? "", title: body["item_name"].string ?? "",
                description: body["description"].string ?? "", priceVND: price,
                stock: body["seller_stock"][0]["stock"].int ?? 0, status: normal ? "NORMAL" : "UNLIST",
                isOnSale: normal,
                categoryID: body["category_id"].string ?? "", imageCount: imageIDs.count))
        return success(["item_id": Int(itemID)!, "item_name": body["item_name"].string ?? ""])
    }

    private func updateItem(_ request: FakeRequest) -> FakeReply {
        guard let body = request.json, let itemID = body["item_id"].string else {
            return error(400, "error_param", "invalid field ItemId: value must  Not Null", namespace: "product")
        }
        let imageIDs = body["image"]["image_id_list"].array.compactMap(\.string)
        guard imageIDs.allSatisfy(images.contains) else {
            return error(400, "error_param", "image_id_list must name uploaded images.", namespace: "product")
        }
        let found = core.update(id: itemID) { listing in
            if let title = body["item_name"].string { listing.title = title }
            if let description = body["description"].string { listing.description = description }
            if let category = body["category_id"].string { listing.categoryID = category }
            if !imageIDs.isEmpty { listing.imageCount = imageIDs.count }
        }
        guard found else { return error(400, "error_item_not_found", "Item not found.", namespace: "product") }
        return success(["item_id": Int(itemID)!])
    }

    private func updatePrice(_ request: FakeRequest) -> FakeReply {
        guard let body = request.json, let itemID = body["item_id"].string,
            let price = body["price_list"][0]["original_price"].int, price > 0
        else { return error(400, "error_param", "item_id and price_list are required.", namespace: "product") }
        guard core.update(id: itemID, { $0.priceVND = price }) else {
            return error(400, "error_item_not_found", "Item not found.", namespace: "product")
        }
        return success(["success_list": [["model_id": 0, "original_price": price]], "failure_list": []])
    }

    private func updateStock(_ request: FakeRequest) -> FakeReply {
        guard let body = request.json, let itemID = body["item_id"].string,
            let stock = body["stock_list"][0]["seller_stock"][0]["stock"].int, stock >= 0
        else { return error(400, "error_param", "item_id and stock_list are required.", namespace: "product") }
        guard core.update(id: itemID, { $0.stock = stock }) else {
            return success([
                "success_list": [],
                "failure_list": [["model_id": 0, "failed_reason": "item not found"]],
            ])
        }
        return success(["success_list": [["model_id": 0, "stock": stock]], "failure_list": []])
    }

    private func unlistItem(_ request: FakeRequest) -> FakeReply {
        guard let body = request.json, !body["item_list"].array.isEmpty else {
            return error(400, "error_param", "item_list is required.", namespace: "product")
        }
        var succeeded: [[String: Any]] = []
        var failed: [[String: Any]] = []
        for entry in body["item_list"].array {
            let itemID = entry["item_id"].string ?? ""
            let unlist = entry["unlist"].bool ?? false
            let found = core.update(id: itemID) { listing in
                listing.status = unlist ? "UNLIST" : "NORMAL"
                listing.isOnSale = !unlist
            }
            if found {
                succeeded.append(["item_id": Int(itemID) ?? 0, "unlist": unlist])
            } else {
                failed.append(["item_id": Int(itemID) ?? 0, "failed_reason": "item not found"])
            }
        }
        return success(["success_list": succeeded, "failure_list": failed])
    }

    // MARK: - Envelope

    func success(_ response: [String: Any]) -> FakeReply {
        .json(200, ["error": "", "message": "", "request_id": requestID(), "response": response])
    }

    /// Shopee's error envelope; the HTTP status of errors is not documented (UNVERIFIED).
    func error(
        _ status: Int, _ code: String, _ message: String, namespace: String? = nil, headers: [(String, String)] = []
    ) -> FakeReply {
        .json(
            status,
            ["error": namespace.map { "\($0).\(code)" } ?? code, "message": message, "request_id": requestID()],
            headers: headers)
    }

    private func requestID() -> String { "fake-\(core.nextNumber())" }
}
