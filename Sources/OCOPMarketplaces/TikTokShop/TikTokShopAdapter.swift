public import CurlHTTP
public import OCOPDomain

/// TikTok Shop Partner API, product version 202309 (MARKETPLACES.md §3).
///
/// Credentials: `app_key`, `app_secret`, `shop_cipher`, `access_token`, `refresh_token` and
/// `warehouse_id` (the inventory location every SKU's stock is given for) required; `auth_base_url`
/// (token host, default `https://auth.tiktok-shops.com`) optional. The product id is the external id; the platform's SKU id
/// is looked up by seller SKU before price and stock changes. Prices go as VND amounts without decimals.
public struct TikTokShopAdapter: MarketplaceAdapter {
    /// What the sources read could not confirm, kept adjustable (MARKETPLACES.md marks them UNVERIFIED).
    public struct Options: Sendable {
        /// 105002 expired token (secondary sources); 105001 invalid token (assumed).
        public var authExpiredCodes: Set<Int> = [105001, 105002]
        /// 36009002 is in the vendor's table; HTTP 429 also means throttled.
        public var throttleCodes: Set<Int> = [36009002]
        /// 106001 invalid signature (a reported real answer); 106013 missing shop cipher (secondary).
        public var badCredentialCodes: Set<Int> = [106001, 106013]
        public var authBaseURL = "https://auth.tiktok-shops.com"
        public var currency = "VND"
        /// Where a shopper sees a product; `{product_id}` is filled in.
        public var productURLTemplate = "https://shop.tiktok.com/view/product/{product_id}"
        public init() {}
    }

    public let marketplace = Marketplace.tiktokShop
    public var requiredCredentials: [String] {
        ["app_key", "app_secret", "shop_cipher", "access_token", "refresh_token", "warehouse_id"]
    }

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
            let body = try await product(content, skuID: nil, account: account)
            let data = try await call("POST", "/product/202309/products", body, account: account)
            guard let productID = data["product_id"].string else {
                throw MarketplaceError(.transient, code: "bad_response", message: "create answered without product_id")
            }
            return result(productID)
        case .update(let externalID, let content):
            let skuID = try await skuID(externalID, sellerSKU: content.sku, account: account)
            let body = try await product(content, skuID: skuID, account: account)
            _ = try await call("PUT", "/product/202309/products/\(externalID)", body, account: account)
            return result(externalID)
        case .updatePrice(let externalID, let sku, let priceVND):
            let skuID = try await skuID(externalID, sellerSKU: sku, account: account)
            let body: [String: Any] = ["skus": [["id": skuID, "price": price(priceVND)]]]
            _ = try await call("POST", "/product/202309/products/\(externalID)/prices/update", body, account: account)
            return result(externalID)
        case .updateStock(let externalID, let sku, let stock):
            let skuID = try await skuID(externalID, sellerSKU: sku, account: account)
            let body: [String: Any] = ["skus": [["id": skuID, "inventory": inventory(stock, account.credentials)]]]
            _ = try await call(
                "POST", "/product/202309/products/\(externalID)/inventory/update", body, account: account)
            return result(externalID)
        case .delist(let externalID, _):
            _ = try await call(
                "POST", "/product/202309/products/deactivate", ["product_ids": [externalID]], account: account)
            return result(externalID)
        }
    }

    /// GET /api/v2/token/refresh (not signed); `access_token_expire_in` is an absolute Unix time.
    public func refreshTokens(account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> MarketplaceCredentials
    {
        let credentials = account.credentials
        let query = [
            ("app_key", try credentials.require("app_key")), ("app_secret", try credentials.require("app_secret")),
            ("refresh_token", try credentials.require("refresh_token")), ("grant_type", "refresh_token"),
        ]
        let base = credentials["auth_base_url"] ?? options.authBaseURL
        let url =
            (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/api/v2/token/refresh?"
            + FormEncoding.encode(query)
        let response = try await http.send("GET", url)
        let envelope = JSONBody.decode(response.body)
        if let error = classify(response, envelope: envelope) {
            if error.kind == .authExpired || error.kind == .rejected {
                throw MarketplaceError(.badCredentials, code: error.code, message: error.message)
            }
            throw error
        }
        let data = envelope?["data"] ?? JSONValue(nil)
        guard let accessToken = data["access_token"].string,
            let expiresAt = data["access_token_expire_in"].int.flatMap({ Moment(unixSeconds: Int64($0)) })
        else {
            throw MarketplaceError(
                .transient, code: "bad_response", message: "token answer without access_token or a usable expiry")
        }
        var renewed = credentials
        renewed.values["access_token"] = accessToken
        if let refreshToken = data["refresh_token"].string { renewed.values["refresh_token"] = refreshToken }
        renewed.accessTokenExpiresAt = expiresAt
        return renewed
    }

    // MARK: - Payloads

    private func product(_ content: ListingContent, skuID: String?, account: MarketplaceAccountContext)
        async throws(MarketplaceError) -> [String: Any]
    {
        var images: [[String: Any]] = []
        for image in content.images { images.append(["uri": try await upload(image, account: account)]) }
        var sku: [String: Any] = [
            "seller_sku": content.sku, "price": price(content.priceVND),
            "inventory": inventory(content.stock, account.credentials),
        ]
        if let skuID { sku["id"] = skuID }
        var body: [String: Any] = [
            "title": content.title, "description": Self.html(content.description), "category_id": content.categoryID,
            "main_images": images, "skus": [sku], "external_product_id": content.sku,
            "product_attributes": content.attributes.sorted { $0.key < $1.key }.map { key, value in
                ["id": key, "values": [["name": value]]]
            },
        ]
        if let grams = content.weightGrams {
            body["package_weight"] = ["value": String(Double(grams) / 1000), "unit": "KILOGRAM"]
        }
        return body
    }

    private func price(_ priceVND: Int) -> [String: Any] { ["amount": String(priceVND), "currency": options.currency] }

    private func inventory(_ stock: Int, _ credentials: MarketplaceCredentials) -> [[String: Any]] {
        var entry: [String: Any] = ["quantity": max(0, stock)]
        if let warehouse = credentials["warehouse_id"] { entry["warehouse_id"] = warehouse }
        return [entry]
    }

    /// The story as the HTML subset TikTok takes: one paragraph per line, text escaped.
    package static func html(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            "<p>" + XMLText.escape(String(line)) + "</p>"
        }.joined()
    }

    /// The platform's SKU id for our seller SKU, from the product's detail.
    private func skuID(_ productID: String, sellerSKU: String, account: MarketplaceAccountContext)
        async throws(MarketplaceError) -> String
    {
        let data = try await call("GET", "/product/202309/products/\(productID)", nil, account: account)
        let skus = data["skus"].array
        guard
            let match = skus.first(where: { $0["seller_sku"].string == sellerSKU })
                ?? (skus.count == 1 ? skus.first : nil),
            let id = match["id"].string
        else {
            throw MarketplaceError(
                .rejected, code: "sku_not_found", message: "product \(productID) has no SKU \(sellerSKU)")
        }
        return id
    }

    /// POST /product/202309/images/upload: multipart `data` + `use_case`; the multipart body is not signed.
    private func upload(_ image: ListingImage, account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> String
    {
        var form = MultipartBody(boundary: "ocop-\(clock.now().unixMilliseconds)-\(image.bytes.count)")
        form.addFile(
            "data", fileName: image.fileName, contentType: MultipartBody.imageContentType(fileName: image.fileName),
            data: image.bytes)
        form.addField("use_case", "MAIN_IMAGE")
        let data = try await send(
            "POST", "/product/202309/images/upload", body: form.finished(), contentType: form.contentType,
            signedBody: [], shopScoped: false, account: account)
        guard let uri = data["uri"].string else {
            throw MarketplaceError(.transient, code: "bad_response", message: "image upload answered without uri")
        }
        return uri
    }

    // MARK: - HTTP

    func call(
        _ method: String, _ path: String, _ body: [String: Any]?, query: [(String, String)] = [],
        account: MarketplaceAccountContext
    ) async throws(MarketplaceError) -> JSONValue {
        let bytes = body.map(JSONBody.encode) ?? []
        return try await send(
            method, path, body: bytes, contentType: "application/json", signedBody: bytes, shopScoped: true, query: query,
            account: account)
    }

    /// Signs the query and the exact body bytes sent; the token travels in `x-tts-access-token`, unsigned.
    private func send(
        _ method: String, _ path: String, body: [UInt8], contentType: String, signedBody: [UInt8], shopScoped: Bool,
        query extra: [(String, String)] = [], account: MarketplaceAccountContext
    ) async throws(MarketplaceError) -> JSONValue {
        let credentials = account.credentials
        var query = [
            ("app_key", try credentials.require("app_key")), ("timestamp", String(clock.now().unixMilliseconds / 1000)),
        ] + extra
        if shopScoped { query.append(("shop_cipher", try credentials.require("shop_cipher"))) }
        let sign = TikTokSigner.sign(
            appSecret: try credentials.require("app_secret"), path: path, query: query, body: signedBody)
        let url = account.trimmedBaseURL + path + "?" + FormEncoding.encode(query + [("sign", sign)])
        var headers = [("x-tts-access-token", try credentials.require("access_token"))]
        if !body.isEmpty || method != "GET" { headers.append(("Content-Type", contentType)) }
        let response = try await http.send(method, url, headers: headers.map { (name: $0.0, value: $0.1) }, body: body)
        let envelope = JSONBody.decode(response.body)
        if let error = classify(response, envelope: envelope) { throw error }
        return envelope?["data"] ?? JSONValue(nil)
    }

    /// `code` 0 is success; otherwise the numeric code, backed by the HTTP status.
    private func classify(_ response: OutboundResponse, envelope: JSONValue?) -> MarketplaceError? {
        guard let envelope, let code = envelope["code"].int else {
            if let error = response.statusError(message: response.bodyText) { return error }
            return MarketplaceError(
                .transient, code: "bad_response", message: "not a TikTok envelope: \(response.bodyText)")
        }
        if code == 0 && response.status < 400 { return nil }
        let message = envelope["message"].string ?? ""
        let text = String(code)
        if response.status == 429 || options.throttleCodes.contains(code) {
            return MarketplaceError(
                .throttled(retryAfterSeconds: response.retryAfterSeconds), code: text, message: message)
        }
        if options.authExpiredCodes.contains(code) {
            return MarketplaceError(.authExpired, code: text, message: message)
        }
        if options.badCredentialCodes.contains(code) {
            return MarketplaceError(.badCredentials, code: text, message: message)
        }
        if response.status >= 500 { return MarketplaceError(.transient, code: text, message: message) }
        return MarketplaceError(.rejected, code: text, message: message)
    }

    func result(_ productID: String) -> PushResult {
        PushResult(
            externalID: productID,
            externalURL: options.productURLTemplate.replacingOccurrences("{product_id}", productID))
    }
}
