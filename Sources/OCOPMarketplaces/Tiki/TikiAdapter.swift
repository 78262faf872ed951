public import CurlHTTP
import Foundation
public import OCOPDomain

/// Tiki Open API (MARKETPLACES.md §4): OAuth 2 Bearer tokens, no request signing.
///
/// Credentials: `client_id`, `client_secret`, `access_token` (required); `refresh_token` (apps with the
/// `offline` scope; without it a refresh re-requests a client-credentials token) and `warehouse_id`
/// (needed to push stock) optional. Creating a listing files a *product request* that Tiki reviews; the
/// request's `track_id` is the external id, and SKU changes address the product by `original_sku`.
/// Tiki starts approved products inactive: a full `update` activates them.
public struct TikiAdapter: MarketplaceAdapter {
    /// What the sources read could not confirm, kept adjustable (MARKETPLACES.md marks them UNVERIFIED).
    public struct Options: Sendable {
        public var tokenPath = "/sc/oauth2/token"
        public var createRequestPath = "/integration/v2.1/requests"
        public var updateSKUPath = "/integration/v2/products/updateSku"
        /// "Update product info" for name, description and images: the path is UNVERIFIED.
        public var updateInfoPath = "/integration/v2.1/requests/updateProductInfo"
        public init() {}
    }

    public let marketplace = Marketplace.tiki
    /// `warehouse_id` too: every stock update names the warehouse.
    public var requiredCredentials: [String] { ["client_id", "client_secret", "access_token", "warehouse_id"] }
    /// The event queue to read orders from (TikiAdapter+Queue.swift); without it, only the order list.
    public var optionalCredentials: [String] { ["queue_code"] }

    public func credentialProblem(_ key: String, _ value: String) -> String? {
        switch key {
        case "warehouse_id":
            return value.contains(",") || CredentialFormat.numberListProblem(value) != nil ? "a whole number" : nil
        case "queue_code":
            return OrderAnswer.isID(value) ? nil : "the queue's code from Tiki: 1–64 letters, digits, - or _"
        default:
            return nil
        }
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
            let answer = try await call(
                "POST", options.createRequestPath, productRequest(content, account), account: account)
            guard let trackID = answer["track_id"].string else {
                throw MarketplaceError(
                    .transient, code: "bad_response", message: "product request answered without track_id")
            }
            return PushResult(externalID: trackID)
        case .update(let externalID, let content):
            var info: [String: Any] = [
                "original_sku": content.sku, "name": content.title, "description": content.description,
            ]
            if let first = content.images.first { info["image"] = first.url }
            info["images"] = content.images.dropFirst().map(\.url)
            _ = try await call("POST", options.updateInfoPath, info, account: account)
            var sku = try stockFields(content.sku, content.stock, account)
            sku["price"] = content.priceVND
            sku["active"] = 1
            _ = try await call("PUT", options.updateSKUPath, sku, account: account)
            return PushResult(externalID: externalID)
        case .updatePrice(let externalID, let sku, let priceVND):
            _ = try await call(
                "PUT", options.updateSKUPath, ["original_sku": sku, "price": priceVND], account: account)
            return PushResult(externalID: externalID)
        case .updateStock(let externalID, let sku, let stock):
            _ = try await call("PUT", options.updateSKUPath, try stockFields(sku, stock, account), account: account)
            return PushResult(externalID: externalID)
        case .delist(let externalID, let sku):
            _ = try await call("PUT", options.updateSKUPath, ["original_sku": sku, "active": 0], account: account)
            return PushResult(externalID: externalID)
        }
    }

    /// POST /sc/oauth2/token with HTTP Basic client authentication: `refresh_token` grant when the
    /// account has one, else `client_credentials`.
    public func refreshTokens(account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> MarketplaceCredentials
    {
        let credentials = account.credentials
        let clientID = try credentials.require("client_id")
        let clientSecret = try credentials.require("client_secret")
        var form = [("client_id", clientID)]
        if let refreshToken = credentials["refresh_token"], !refreshToken.isEmpty {
            form += [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
        } else {
            form += [("grant_type", "client_credentials")]
        }
        let basic = Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
        let response = try await http.send(
            "POST", account.trimmedBaseURL + options.tokenPath,
            headers: [("Authorization", "Basic \(basic)"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(FormEncoding.encode(form).utf8))
        let answer = JSONBody.decode(response.body)
        if let error = response.statusError(code: answer?["error"].string, message: response.bodyText) { throw error }
        guard response.status < 400, let accessToken = answer?["access_token"].string else {
            throw MarketplaceError(
                .badCredentials, code: answer?["error"].string ?? "HTTP \(response.status)",
                message: answer?["error_description"].string ?? response.bodyText)
        }
        var renewed = credentials
        renewed.values["access_token"] = accessToken
        if let refreshToken = answer?["refresh_token"].string { renewed.values["refresh_token"] = refreshToken }
        renewed.accessTokenExpiresAt = answer?["expires_in"].int.map { clock.now().adding(seconds: Int64($0)) }
        return renewed
    }

    // MARK: - Payloads

    /// The product request (field names per Tiki's product-structure page; the exact schema is UNVERIFIED).
    private func productRequest(_ content: ListingContent, _ account: MarketplaceAccountContext) -> [String: Any] {
        var attributes: [String: Any] = ["brand": content.brand]
        for (key, value) in content.attributes { attributes[key] = value }
        if let grams = content.weightGrams { attributes["product_weight_kg"] = Double(grams) / 1000 }
        if let gtin = content.gtin { attributes["gtin"] = gtin }
        var variant: [String: Any] = ["sku": content.sku, "price": content.priceVND, "inventory_type": "instock"]
        if let warehouse = account.credentials["warehouse_id"] {
            variant["seller_warehouse"] = warehouse
            variant["warehouse_stocks"] = [["warehouseId": Int(warehouse) ?? 0, "qtyAvailable": max(0, content.stock)]]
        }
        return [
            "category_id": Int(content.categoryID) ?? 0, "name": content.title, "description": content.description,
            "attributes": attributes, "image": content.images.first?.url ?? "",
            "images": content.images.dropFirst().map(\.url), "option_attributes": [], "variants": [variant],
        ]
    }

    private func stockFields(_ sku: String, _ stock: Int, _ account: MarketplaceAccountContext) throws(MarketplaceError)
        -> [String: Any]
    {
        let warehouse = try account.credentials.require("warehouse_id")
        return [
            "original_sku": sku, "seller_warehouse": warehouse,
            "warehouse_quantities": [["warehouse_id": Int(warehouse) ?? 0, "qty_available": max(0, stock)]],
        ]
    }

    // MARK: - HTTP

    /// A call with a JSON body, or (reads) without one and with `query`.
    func call(
        _ method: String, _ path: String, _ body: [String: Any]?, query: [(String, String)] = [],
        account: MarketplaceAccountContext
    ) async throws(MarketplaceError) -> JSONValue {
        var headers = [("Authorization", "Bearer \(try account.credentials.require("access_token"))")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response = try await http.send(
            method, account.trimmedBaseURL + path + (query.isEmpty ? "" : "?" + FormEncoding.encode(query)),
            headers: headers, body: body.map(JSONBody.encode) ?? [])
        let answer = JSONBody.decode(response.body)
        if let error = Self.classify(response, answer: answer) { throw error }
        return answer ?? JSONValue(nil)
    }

    /// Tiki answers bare JSON, errors as `{"errors":[…]}` with the HTTP status carrying the meaning.
    private static func classify(_ response: OutboundResponse, answer: JSONValue?) -> MarketplaceError? {
        guard response.status >= 300 else {
            return answer == nil ? MarketplaceError(.transient, code: "bad_response", message: "not JSON") : nil
        }
        let errors = answer?["errors"].array.compactMap(\.string) ?? []
        let message = errors.isEmpty ? response.bodyText : errors.joined(separator: "; ")
        let code = "HTTP \(response.status)"
        if let error = response.statusError(message: message) { return error }
        switch response.status {
        case 401: return MarketplaceError(.authExpired, code: code, message: message)
        case 403: return MarketplaceError(.badCredentials, code: code, message: message)
        default: return MarketplaceError(.rejected, code: code, message: message)
        }
    }
}
