public import CurlHTTP
public import OCOPDomain

/// Shopee Open Platform v2 (MARKETPLACES.md §1).
///
/// Credentials: `partner_id`, `partner_key`, `shop_id`, `access_token`, `refresh_token` and
/// `logistic_ids` (comma-separated channel ids enabled on new items: `add_item` refuses an item
/// without one), all required.
/// Prices are whole VND (Vietnam takes integers); weight goes as kilograms; `attributes` keys are
/// Shopee attribute ids. The item id is the external id.
public struct ShopeeAdapter: MarketplaceAdapter {
    /// What the sources read could not confirm, kept adjustable (MARKETPLACES.md marks them UNVERIFIED).
    public struct Options: Sendable {
        /// Error codes meaning the access token is expired or invalid.
        public var authExpiredCodes: Set<String> = ["error_auth", "invalid_access_token", "invalid_acceess_token"]
        /// Error codes meaning "slow down" besides HTTP 429 (no code is documented).
        public var throttleCodes: Set<String> = []
        /// Error codes meaning the platform is in trouble: retry later.
        public var transientCodes: Set<String> = ["error_system_busy", "error_inner", "error_server"]
        /// Where a shopper sees an item; `{shop_id}` and `{item_id}` are filled in.
        public var itemURLTemplate = "https://shopee.vn/product/{shop_id}/{item_id}"
        public init() {}
    }

    public let marketplace = Marketplace.shopee
    public var requiredCredentials: [String] {
        ["partner_id", "partner_key", "shop_id", "access_token", "refresh_token", "logistic_ids"]
    }

    public func credentialProblem(_ key: String, _ value: String) -> String? {
        key == "logistic_ids" || key == "partner_id" || key == "shop_id" ? CredentialFormat.numberListProblem(value) : nil
    }

    private let http: AdapterHTTP
    let clock: any WallClock
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
        let shopID = try account.credentials.require("shop_id")
        switch operation {
        case .create(let content):
            var body = try await itemFields(content, account: account)
            body["original_price"] = content.priceVND
            body["seller_stock"] = [["stock": max(0, content.stock)]]
            body["item_status"] = "NORMAL"
            body["logistic_info"] = logisticInfo(account.credentials)
            body["brand"] = ["brand_id": 0, "original_brand_name": content.brand]
            let response = try await call("/api/v2/product/add_item", body, account: account)
            guard let itemID = response["item_id"].string else {
                throw MarketplaceError(.transient, code: "bad_response", message: "add_item answered without item_id")
            }
            return result(itemID, shopID: shopID)
        case .update(let externalID, let content):
            let itemID = try Self.itemID(externalID)
            var body = try await itemFields(content, account: account)
            body["item_id"] = itemID
            _ = try await call("/api/v2/product/update_item", body, account: account)
            try await updatePrice(itemID, content.priceVND, account: account)
            try await updateStock(itemID, content.stock, account: account)
            return result(externalID, shopID: shopID)
        case .updatePrice(let externalID, _, let priceVND):
            try await updatePrice(try Self.itemID(externalID), priceVND, account: account)
            return result(externalID, shopID: shopID)
        case .updateStock(let externalID, _, let stock):
            try await updateStock(try Self.itemID(externalID), stock, account: account)
            return result(externalID, shopID: shopID)
        case .delist(let externalID, _):
            let body: [String: Any] = ["item_list": [["item_id": try Self.itemID(externalID), "unlist": true]]]
            let response = try await call("/api/v2/product/unlist_item", body, account: account)
            try Self.checkFailureList(response)
            return result(externalID, shopID: shopID)
        }
    }

    public func refreshTokens(account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> MarketplaceCredentials
    {
        let credentials = account.credentials
        let body: [String: Any] = [
            "refresh_token": try credentials.require("refresh_token"),
            "partner_id": try Self.number(try credentials.require("partner_id"), "partner_id"),
            "shop_id": try Self.number(try credentials.require("shop_id"), "shop_id"),
        ]
        let envelope: JSONValue
        do {
            envelope = try await send(
                "/api/v2/auth/access_token/get", body: JSONBody.encode(body), shop: false, account: account)
        } catch let error where error.kind == .authExpired || error.kind == .rejected {
            throw MarketplaceError(.badCredentials, code: error.code, message: error.message)
        }
        guard let accessToken = envelope["access_token"].string, let refreshToken = envelope["refresh_token"].string,
            let expireIn = envelope["expire_in"].int
        else { throw MarketplaceError(.transient, code: "bad_response", message: "token answer without tokens") }
        var renewed = credentials
        renewed.values["access_token"] = accessToken
        renewed.values["refresh_token"] = refreshToken
        renewed.accessTokenExpiresAt = clock.now().adding(seconds: Int64(expireIn))
        return renewed
    }

    // MARK: - Operations

    /// The fields add_item and update_item share; uploads the images first.
    private func itemFields(_ content: ListingContent, account: MarketplaceAccountContext)
        async throws(MarketplaceError)
        -> [String: Any]
    {
        var imageIDs: [String] = []
        for image in content.images { imageIDs.append(try await upload(image, account: account)) }
        var fields: [String: Any] = [
            "item_name": content.title, "description": content.description, "item_sku": content.sku,
            "category_id": try Self.number(content.categoryID, "category_id"),
            "image": ["image_id_list": imageIDs],
        ]
        var attributes: [[String: Any]] = []
        for (key, value) in content.attributes.sorted(by: { $0.key < $1.key }) {
            attributes.append([
                "attribute_id": try Self.number(key, "attribute id"),
                "attribute_value_list": [["value_id": 0, "original_value_name": value]],
            ])
        }
        fields["attribute_list"] = attributes
        if let grams = content.weightGrams { fields["weight"] = Double(grams) / 1000 }
        return fields
    }

    private func updatePrice(_ itemID: Int64, _ priceVND: Int, account: MarketplaceAccountContext)
        async throws(MarketplaceError)
    {
        let body: [String: Any] = ["item_id": itemID, "price_list": [["model_id": 0, "original_price": priceVND]]]
        try Self.checkFailureList(try await call("/api/v2/product/update_price", body, account: account))
    }

    private func updateStock(_ itemID: Int64, _ stock: Int, account: MarketplaceAccountContext)
        async throws(MarketplaceError)
    {
        let body: [String: Any] = [
            "item_id": itemID, "stock_list": [["model_id": 0, "seller_stock": [["stock": max(0, stock)]]]],
        ]
        try Self.checkFailureList(try await call("/api/v2/product/update_stock", body, account: account))
    }

    /// media_space/upload_image: a public API (signed without token and shop), multipart `image`.
    private func upload(_ image: ListingImage, account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> String
    {
        var form = MultipartBody(boundary: "ocop-\(clock.now().unixMilliseconds)-\(image.bytes.count)")
        form.addFile(
            "image", fileName: image.fileName, contentType: MultipartBody.imageContentType(fileName: image.fileName),
            data: image.bytes)
        form.addField("scene", "normal")
        let envelope = try await send(
            "/api/v2/media_space/upload_image", body: form.finished(), contentType: form.contentType, shop: false,
            account: account)
        guard let imageID = envelope["response"]["image_info"]["image_id"].string else {
            throw MarketplaceError(.transient, code: "bad_response", message: "upload_image answered without image_id")
        }
        return imageID
    }

    // MARK: - HTTP

    /// A shop API call with a JSON body; returns the envelope's `response`.
    private func call(_ path: String, _ body: [String: Any], account: MarketplaceAccountContext)
        async throws(MarketplaceError)
        -> JSONValue
    {
        try await send(path, body: JSONBody.encode(body), shop: true, account: account)["response"]
    }

    /// Signs the common parameters into the query string (the body is never signed) and classifies the answer.
    func send(
        _ path: String, method: String = "POST", query extra: [(String, String)] = [], body: [UInt8],
        contentType: String = "application/json", shop: Bool, account: MarketplaceAccountContext
    ) async throws(MarketplaceError) -> JSONValue {
        let credentials = account.credentials
        let partnerID = try credentials.require("partner_id")
        let partnerKey = try credentials.require("partner_key")
        let timestamp = clock.now().unixMilliseconds / 1000
        var query = [("partner_id", partnerID), ("timestamp", String(timestamp))]
        let sign: String
        if shop {
            let accessToken = try credentials.require("access_token")
            let shopID = try credentials.require("shop_id")
            query += [("access_token", accessToken), ("shop_id", shopID)]
            sign = ShopeeSigner.sign(
                partnerKey: partnerKey, partnerID: partnerID, path: path, timestamp: timestamp,
                accessToken: accessToken, shopID: shopID)
        } else {
            sign = ShopeeSigner.sign(partnerKey: partnerKey, partnerID: partnerID, path: path, timestamp: timestamp)
        }
        query.append(("sign", sign))
        let url = account.trimmedBaseURL + path + "?" + FormEncoding.encode(query + extra)
        let headers: [(name: String, value: String)] = method == "GET" ? [] : [("Content-Type", contentType)]
        let response = try await http.send(method, url, headers: headers, body: body)
        let envelope = JSONBody.decode(response.body)
        if let error = classify(response, envelope: envelope) { throw error }
        return envelope ?? JSONValue(nil)
    }

    /// Shopee reports errors in the envelope's `error` (sometimes namespaced, `product.error_param`).
    private func classify(_ response: OutboundResponse, envelope: JSONValue?) -> MarketplaceError? {
        let code = envelope?["error"].string ?? ""
        let message = envelope?["message"].string ?? response.bodyText
        if !code.isEmpty {
            let bare = code.split(separator: ".").last.map(String.init) ?? code
            if response.status == 429 || options.throttleCodes.contains(bare) {
                return MarketplaceError(
                    .throttled(retryAfterSeconds: response.retryAfterSeconds), code: code, message: message)
            }
            if options.authExpiredCodes.contains(bare) {
                return MarketplaceError(.authExpired, code: code, message: message)
            }
            if bare == "error_sign" { return MarketplaceError(.badCredentials, code: code, message: message) }
            if options.transientCodes.contains(bare) || response.status >= 500 {
                return MarketplaceError(.transient, code: code, message: message)
            }
            return MarketplaceError(.rejected, code: code, message: message)
        }
        if let error = response.statusError(message: message) { return error }
        if response.status >= 400 {
            return MarketplaceError(.rejected, code: "HTTP \(response.status)", message: message)
        }
        if envelope == nil {
            return MarketplaceError(.transient, code: "bad_response", message: "not JSON: \(message)")
        }
        return nil
    }

    // MARK: - Helpers

    func result(_ itemID: String, shopID: String) -> PushResult {
        PushResult(
            externalID: itemID,
            externalURL: options.itemURLTemplate.replacingOccurrences("{shop_id}", shopID)
                .replacingOccurrences("{item_id}", itemID))
    }

    private func logisticInfo(_ credentials: MarketplaceCredentials) -> [[String: Any]] {
        (credentials["logistic_ids"] ?? "").split(separator: ",").compactMap { Int64($0.trimmingSpaces()) }.map {
            ["logistic_id": $0, "enabled": true]
        }
    }

    /// Batch calls answer 200 with per-item failures.
    private static func checkFailureList(_ response: JSONValue) throws(MarketplaceError) {
        guard let failure = response["failure_list"].array.first else { return }
        throw MarketplaceError(
            .rejected, code: "failure_list",
            message: failure["failed_reason"].string ?? "the platform refused the change")
    }

    private static func itemID(_ externalID: String) throws(MarketplaceError) -> Int64 {
        try number(externalID, "item_id")
    }

    private static func number(_ text: String, _ name: String) throws(MarketplaceError) -> Int64 {
        guard let value = Int64(text) else {
            throw MarketplaceError(.rejected, code: "error_param", message: "\(name) must be a number, got \(text)")
        }
        return value
    }
}
