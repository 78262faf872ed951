public import CurlHTTP
public import OCOPDomain

/// Lazada Open Platform (MARKETPLACES.md §2).
///
/// Credentials: `app_key`, `app_secret`, `access_token`, `refresh_token` (required); `auth_base_url`
/// (token refresh gateway, default `https://auth.lazada.com/rest`) optional. The account's base URL is
/// the country gateway including `/rest`, e.g. `https://api.lazada.vn/rest`. Images are handed over by
/// URL through `/image/migrate`; the item id is the external id and SKUs are addressed by `SellerSku`.
public struct LazadaAdapter: MarketplaceAdapter {
    /// What the sources read could not confirm, kept adjustable (MARKETPLACES.md marks them UNVERIFIED).
    public struct Options: Sendable {
        public var authExpiredCodes: Set<String> = ["IllegalAccessToken", "MissingAccessToken"]
        /// `ApiCallLimit` is seen in third-party clients only.
        public var throttleCodes: Set<String> = ["ApiCallLimit"]
        /// Codes meaning the app key or secret is wrong: a person must fix the account.
        public var badCredentialCodes: Set<String> = ["IncompleteSignature", "InvalidAppKey", "IllegalRefreshToken"]
        /// The parameter /product/deactivate takes its XML in.
        public var deactivateParameter = "apiRequestBody"
        public var authBaseURL = "https://auth.lazada.com/rest"
        public init() {}
    }

    public let marketplace = Marketplace.lazada
    public var requiredCredentials: [String] { ["app_key", "app_secret", "access_token", "refresh_token"] }

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
            let product = try await product(content, itemID: nil, account: account)
            let data = try await call(
                "/product/create", [("payload", JSONBody.encodeString(["Request": ["Product": product]]))],
                account: account)
            guard let itemID = data["item_id"].string else {
                throw MarketplaceError(
                    .transient, code: "bad_response", message: "/product/create answered without item_id")
            }
            return PushResult(externalID: itemID)
        case .update(let externalID, let content):
            let product = try await product(content, itemID: externalID, account: account)
            _ = try await call(
                "/product/update", [("payload", JSONBody.encodeString(["Request": ["Product": product]]))],
                account: account)
            return PushResult(externalID: externalID)
        case .updatePrice(let externalID, let sku, let priceVND):
            try await priceQuantity(
                externalID, sku: sku, element: XMLText.element("Price", String(priceVND)), account: account)
            return PushResult(externalID: externalID)
        case .updateStock(let externalID, let sku, let stock):
            try await priceQuantity(
                externalID, sku: sku, element: XMLText.element("Quantity", String(max(0, stock))), account: account)
            return PushResult(externalID: externalID)
        case .delist(let externalID, _):
            let payload = "<Request><Product>\(XMLText.element("ItemId", externalID))</Product></Request>"
            _ = try await call("/product/deactivate", [(options.deactivateParameter, payload)], account: account)
            return PushResult(externalID: externalID)
        }
    }

    public func refreshTokens(account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> MarketplaceCredentials
    {
        let credentials = account.credentials
        let base = credentials["auth_base_url"] ?? options.authBaseURL
        let answer: JSONValue
        do {
            answer = try await send(
                "/auth/token/refresh", [("refresh_token", try credentials.require("refresh_token"))], base: base,
                withToken: false, account: account)
        } catch let error where error.kind == .authExpired || error.kind == .rejected {
            throw MarketplaceError(.badCredentials, code: error.code, message: error.message)
        }
        guard let accessToken = answer["access_token"].string, let expiresIn = answer["expires_in"].int else {
            throw MarketplaceError(.transient, code: "bad_response", message: "token answer without access_token")
        }
        var renewed = credentials
        renewed.values["access_token"] = accessToken
        if let refreshToken = answer["refresh_token"].string { renewed.values["refresh_token"] = refreshToken }
        renewed.accessTokenExpiresAt = clock.now().adding(seconds: Int64(expiresIn))
        return renewed
    }

    // MARK: - Payloads

    /// The JSON `Product` of create and update; images are migrated to Lazada first.
    private func product(_ content: ListingContent, itemID: String?, account: MarketplaceAccountContext)
        async throws(MarketplaceError) -> [String: Any]
    {
        var urls: [String] = []
        for image in content.images.prefix(8) { urls.append(try await migrate(image.url, account: account)) }
        var attributes: [String: Any] = [
            "name": content.title, "description": content.description, "brand": content.brand,
        ]
        for (key, value) in content.attributes { attributes[key] = value }
        var sku: [String: Any] = [
            "SellerSku": content.sku, "quantity": String(max(0, content.stock)), "price": String(content.priceVND),
            "Images": ["Image": urls],
        ]
        if let grams = content.weightGrams { sku["package_weight"] = String(Double(grams) / 1000) }
        var product: [String: Any] = [
            "PrimaryCategory": content.categoryID, "Images": ["Image": urls], "Attributes": attributes,
            "Skus": ["Sku": [sku]],
        ]
        if let itemID { product["ItemId"] = itemID }
        return product
    }

    private func priceQuantity(_ itemID: String, sku: String, element: String, account: MarketplaceAccountContext)
        async throws(MarketplaceError)
    {
        let payload =
            "<Request><Product><Skus><Sku>\(XMLText.element("ItemId", itemID))\(XMLText.element("SellerSku", sku))"
            + "\(element)</Sku></Skus></Product></Request>"
        _ = try await call("/product/price_quantity/update", [("payload", payload)], account: account)
    }

    /// MigrateImage: Lazada fetches the URL and answers with its own, the only kind products accept.
    private func migrate(_ url: String, account: MarketplaceAccountContext) async throws(MarketplaceError) -> String {
        let payload = "<Request><Image>\(XMLText.element("Url", url))</Image></Request>"
        let data = try await call("/image/migrate", [("payload", payload)], account: account)
        guard let hosted = data["image"]["url"].string else {
            throw MarketplaceError(.transient, code: "bad_response", message: "/image/migrate answered without a URL")
        }
        return hosted
    }

    // MARK: - HTTP

    /// A seller API call on the account's gateway; returns `data`. Reads (the order APIs) are GETs
    /// with every parameter in the query, as Lazada documents them.
    func call(_ apiName: String, _ parameters: [(String, String)], method: String = "POST", account: MarketplaceAccountContext)
        async throws(MarketplaceError) -> JSONValue
    {
        try await send(apiName, parameters, base: account.trimmedBaseURL, withToken: true, method: method, account: account)["data"]
    }

    /// System parameters and `sign` in the query, business parameters in the form body (or the
    /// query, for a GET); all are signed.
    private func send(
        _ apiName: String, _ business: [(String, String)], base: String, withToken: Bool, method: String = "POST",
        account: MarketplaceAccountContext
    ) async throws(MarketplaceError) -> JSONValue {
        let credentials = account.credentials
        var system = [
            ("app_key", try credentials.require("app_key")), ("sign_method", "sha256"),
            ("timestamp", String(clock.now().unixMilliseconds)),
        ]
        if withToken { system.append(("access_token", try credentials.require("access_token"))) }
        let sign = LazadaSigner.sign(
            appSecret: try credentials.require("app_secret"), apiName: apiName, parameters: system + business)
        let trimmedBase = base.hasSuffix("/") ? String(base.dropLast()) : base
        let response: OutboundResponse
        if method == "GET" {
            let url = trimmedBase + apiName + "?" + FormEncoding.encode(system + business + [("sign", sign)])
            response = try await http.send("GET", url, headers: [], body: [])
        } else {
            let url = trimmedBase + apiName + "?" + FormEncoding.encode(system + [("sign", sign)])
            response = try await http.send(
                "POST", url, headers: [("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")],
                body: Array(FormEncoding.encode(business).utf8))
        }
        let envelope = JSONBody.decode(response.body)
        if let error = classify(response, envelope: envelope) { throw error }
        return envelope ?? JSONValue(nil)
    }

    /// Lazada answers `code: "0"` on success, else `type` (ISV/ISP/SYSTEM), `code` and `message`.
    private func classify(_ response: OutboundResponse, envelope: JSONValue?) -> MarketplaceError? {
        guard let envelope, let code = envelope["code"].string else {
            if let error = response.statusError(message: response.bodyText) { return error }
            return MarketplaceError(
                .transient, code: "bad_response", message: "not a Lazada envelope: \(response.bodyText)")
        }
        if code == "0" { return nil }
        var message = envelope["message"].string ?? ""
        let details = envelope["detail"].array.compactMap { $0["message"].string }
        if !details.isEmpty { message += " (" + details.joined(separator: "; ") + ")" }
        if response.status == 429 || options.throttleCodes.contains(code) {
            return MarketplaceError(
                .throttled(retryAfterSeconds: response.retryAfterSeconds ?? Self.banSeconds(in: message)), code: code,
                message: message)
        }
        if options.authExpiredCodes.contains(code) {
            return MarketplaceError(.authExpired, code: code, message: message)
        }
        if options.badCredentialCodes.contains(code) {
            return MarketplaceError(.badCredentials, code: code, message: message)
        }
        let type = envelope["type"].string ?? ""
        if type == "ISP" || type == "SYSTEM" || response.status >= 500 {
            return MarketplaceError(.transient, code: code, message: message)
        }
        return MarketplaceError(.rejected, code: code, message: message)
    }

    /// "… ban will last 7 seconds": the wait an ApiCallLimit message names (wording UNVERIFIED).
    package static func banSeconds(in message: String) -> Int? {
        guard let range = message.firstRange(of: " seconds") else { return nil }
        let digits = message[..<range.lowerBound].reversed().prefix { $0.isNumber }
        return digits.isEmpty ? nil : Int(String(digits.reversed()))
    }
}
