import Foundation
public import OCOPDomain
public import OCOPMarketplaces
import Synchronization

/// Tiki Open API on 127.0.0.1: OAuth 2 token endpoint with HTTP Basic client authentication
/// (refresh-token and client-credentials grants), Bearer tokens checked for validity and expiry,
/// product requests reviewed at once (approved products start inactive, as on Tiki), `updateSku` by
/// `original_sku`; bare JSON answers and `{"errors":[…]}` with the real HTTP statuses.
public final class FakeTiki: MarketplaceFake {
    public static let clientID = "fake-tiki-client"
    public static let clientSecret = "fake-tiki-secret"
    public static let warehouseID = "1034"
    /// Lifetimes are UNVERIFIED ("short period"): one hour here.
    static let accessLifetime: Int64 = 3600

    public let core: FakeCore
    public let marketplace = Marketplace.tiki
    /// The shop's orders, placed and moved by tests (see FakeTiki+Orders.swift).
    let orders = FakeTikiOrders()
    /// The event queue every order change is added to (FakeTiki+Queue.swift).
    let queue = FakeTikiQueue()
    let listHidden = Mutex(false)
    /// Track id → product id, for requests filed.
    private let requests = Mutex<[String: String]>([:])

    private init(clock: any WallClock) {
        core = FakeCore(prefix: "tiki", clock: clock, accessLifetimeSeconds: Self.accessLifetime)
    }

    /// Starts the fake; judge timestamps and expiry by `clock`.
    public static func start(clock: any WallClock = SystemWallClock()) async throws -> FakeTiki {
        let fake = FakeTiki(clock: clock)
        fake.core.attach(try await FakeServer.start(label: "fake-tiki") { [fake] in await fake.handle($0) })
        return fake
    }

    public var baseURL: String { core.server.address }

    public var credentials: MarketplaceCredentials {
        MarketplaceCredentials(
            values: [
                "client_id": Self.clientID, "client_secret": Self.clientSecret, "access_token": core.accessToken,
                "refresh_token": core.refreshToken, "warehouse_id": Self.warehouseID, "queue_code": Self.queueCode,
            ], accessTokenExpiresAt: core.accessExpiresAt)
    }

    /// The product a request became, once reviewed.
    public func productID(forTrackID trackID: String) -> String? { requests.withLock { $0[trackID] } }

    // MARK: - Requests

    private func handle(_ request: FakeRequest) async -> FakeReply {
        let reply = await answer(request)
        // The request was done, but its answer never reaches the client.
        if core.faults.takeLostAnswer(request.path) { return errors(503, "Service Unavailable") }
        return reply
    }

    private func answer(_ request: FakeRequest) async -> FakeReply {
        if core.faults.takeServerError() { return errors(503, "Service Unavailable") }
        if let retryAfter = core.faults.takeThrottle() {
            return errors(429, "Too many requests", headers: retryAfter.map { [("Retry-After", String($0))] } ?? [])
        }
        if request.path == "/sc/oauth2/token" { return token(request) }
        guard let authorization = request.header("authorization"), authorization.hasPrefix("Bearer ") else {
            return errors(401, "Access token is missing")
        }
        switch core.checkAccess(String(authorization.dropFirst("Bearer ".count))) {
        case .valid: break
        case .expired: return errors(401, "Access token is expired")
        case .invalid: return errors(401, "Access token is invalid or not linked to a seller")
        }
        if request.method == "GET", request.path == "/integration/v2/orders" { return orderList(request) }
        if request.method == "GET", request.path.hasPrefix("/integration/v2/orders/") {
            return orderDetail(String(request.path.dropFirst("/integration/v2/orders/".count)), include: request.queryValue("include"))
        }
        let queuePrefix = "/integration/v1/queues/", pullSuffix = "/events/pull"
        if request.method == "POST", request.path.hasPrefix(queuePrefix), request.path.hasSuffix(pullSuffix) {
            return queuePull(String(request.path.dropFirst(queuePrefix.count).dropLast(pullSuffix.count)), request)
        }
        guard let body = request.json, body.object != nil else { return errors(400, "Body must be a JSON object") }
        switch (request.method, request.path) {
        case ("POST", "/integration/v2.1/requests"): return createRequest(body)
        case ("POST", "/integration/v2.1/requests/updateProductInfo"): return updateInfo(body)
        case ("PUT", "/integration/v2/products/updateSku"): return updateSKU(body)
        default: return errors(404, "Not found")
        }
    }

    // MARK: - APIs

    private func token(_ request: FakeRequest) -> FakeReply {
        let basic = Data("\(Self.clientID):\(Self.clientSecret)".utf8).base64EncodedString()
        guard request.header("authorization") == "Basic \(basic)" else {
            return oauthError(401, "invalid_client", "Client authentication failed")
        }
        let form = request.form
        func value(_ name: String) -> String? { form.first { $0.0 == name }?.1 }
        switch value("grant_type") {
        case "refresh_token":
            guard
                let tokens = core.rotate(
                    refreshToken: value("refresh_token"), accessLifetimeSeconds: Self.accessLifetime)
            else { return oauthError(400, "invalid_grant", "The refresh token is invalid or expired") }
            return .json(
                200,
                [
                    "access_token": tokens.access, "refresh_token": tokens.refresh, "expires_in": Self.accessLifetime,
                    "scope": "offline product order inventory", "token_type": "bearer",
                ])
        case "client_credentials":
            let tokens = core.reissueAccess(accessLifetimeSeconds: Self.accessLifetime)
            return .json(
                200,
                [
                    "access_token": tokens.access, "expires_in": Self.accessLifetime, "scope": "product",
                    "token_type": "bearer",
                ])
        default:
            return oauthError(400, "unsupported_grant_type", "The grant type is not supported")
        }
    }

    private func createRequest(_ body: JSONValue) -> FakeReply {
        var problems: [String] = []
        if (body["category_id"].int ?? 0) <= 0 { problems.append("category_id is required") }
        if (body["name"].string ?? "").isEmpty { problems.append("name is required") }
        if body["description"].string == nil { problems.append("description is required") }
        if !(body["image"].string ?? "").hasPrefix("http") { problems.append("image must be a URL") }
        let variant = body["variants"][0]
        if variant["sku"].string == nil { problems.append("variants[0].sku is required") }
        if (variant["price"].int ?? 0) <= 0 { problems.append("variants[0].price must be positive") }
        if let sku = variant["sku"].string, core.listing(sku: sku) != nil {
            problems.append("sku \(sku) already exists")
        }
        guard problems.isEmpty else { return errors(400, problems) }
        let trackID = "fake-track-\(core.nextNumber())"
        let productID = String(270_000_000 + core.nextNumber())
        requests.withLock { $0[trackID] = productID }
        core.alias(trackID, to: productID)  // the adapter's external id is the track id
        core.insert(
            FakeListing(
                id: productID, sku: variant["sku"].string ?? "", title: body["name"].string ?? "",
                description: body["description"].string ?? "", priceVND: variant["price"].int ?? 0,
                stock: variant["warehouse_stocks"][0]["qtyAvailable"].int ?? 0, status: "inactive", isOnSale: false,
                categoryID: body["category_id"].string ?? "", imageCount: 1 + body["images"].array.count))
        return .json(200, ["track_id": trackID, "state": "queuing"])
    }

    private func updateInfo(_ body: JSONValue) -> FakeReply {
        guard let sku = body["original_sku"].string, let listing = core.listing(sku: sku) else {
            return errors(400, "original_sku does not match a product of the seller")
        }
        core.update(id: listing.id) { listing in
            if let name = body["name"].string { listing.title = name }
            if let description = body["description"].string { listing.description = description }
            if body["image"].string != nil { listing.imageCount = 1 + body["images"].array.count }
        }
        return .json(200, ["track_id": "fake-track-\(core.nextNumber())", "state": "approved"])
    }

    private func updateSKU(_ body: JSONValue) -> FakeReply {
        let listing =
            body["original_sku"].string.flatMap(core.listing(sku:))
            ?? body["product_id"].string.flatMap(core.listing(id:))
        guard let listing else {
            return errors(400, "original_sku or product_id does not match a product of the seller")
        }
        let price = body["price"].int
        if let price, price <= 0 { return errors(400, "price must be positive") }
        var quantity: Int?
        if body["warehouse_quantities"].exists {
            let entry = body["warehouse_quantities"][0]
            guard entry["warehouse_id"].string == Self.warehouseID, let qty = entry["qty_available"].int, qty >= 0
            else {
                return errors(
                    400, "warehouse_quantities must name warehouse \(Self.warehouseID) with qty_available >= 0")
            }
            quantity = qty
        }
        let active = body["active"].int
        if let active, active != 0 && active != 1 { return errors(400, "active must be 0 or 1") }
        core.update(id: listing.id) { listing in
            if let price { listing.priceVND = price }
            if let quantity { listing.stock = quantity }
            if let active {
                listing.status = active == 1 ? "active" : "inactive"
                listing.isOnSale = active == 1
            }
        }
        return .json(200, ["product_id": Int(listing.id)!, "original_sku": listing.sku, "state": "approved"])
    }

    // MARK: - Answers

    func errors(_ status: Int, _ messages: String..., headers: [(String, String)] = []) -> FakeReply {
        errors(status, messages, headers: headers)
    }

    private func errors(_ status: Int, _ messages: [String], headers: [(String, String)] = []) -> FakeReply {
        .json(status, ["errors": messages], headers: headers)
    }

    private func oauthError(_ status: Int, _ code: String, _ description: String) -> FakeReply {
        .json(status, ["error": code, "error_description": description])
    }
}
