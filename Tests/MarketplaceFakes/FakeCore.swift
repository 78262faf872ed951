public import OCOPDomain
public import OCOPMarketplaces
import Synchronization

/// What every fake platform keeps: its server, the listings it holds, the seller's tokens and the
/// clock it judges timestamps and expiry by.
public final class FakeCore: Sendable {
    package enum TokenCheck: Equatable { case valid, expired, invalid }

    private struct Tokens {
        var access: String
        var refresh: String
        var accessExpiresAt: Moment
        var generation = 1
    }

    package let clock: any WallClock
    private let serverBox = Mutex<FakeServer?>(nil)
    private let tokens: Mutex<Tokens>
    private let held = Mutex<[FakeListing]>([])
    /// Other ids a listing is known by (Tiki's request track id) → the listing's id.
    private let aliases = Mutex<[String: String]>([:])
    private let sequence = Mutex<Int>(0)
    private let prefix: String

    /// Tokens start valid for `accessLifetimeSeconds`.
    package init(prefix: String, clock: any WallClock, accessLifetimeSeconds: Int64) {
        self.prefix = prefix
        self.clock = clock
        tokens = Mutex(
            Tokens(
                access: "\(prefix)-access-1", refresh: "\(prefix)-refresh-1",
                accessExpiresAt: clock.now().adding(seconds: accessLifetimeSeconds)))
    }

    func attach(_ server: FakeServer) { serverBox.withLock { $0 = server } }
    var server: FakeServer { serverBox.withLock { $0! } }

    package var nowSeconds: Int64 { clock.now().unixMilliseconds / 1000 }
    package var faults: FakeFaults { server.faults }

    /// A fresh number for ids, unique within this fake.
    package func nextNumber() -> Int {
        sequence.withLock {
            $0 += 1; return $0
        }
    }

    // MARK: - Tokens

    package var accessToken: String { tokens.withLock { $0.access } }
    package var refreshToken: String { tokens.withLock { $0.refresh } }
    package var accessExpiresAt: Moment { tokens.withLock { $0.accessExpiresAt } }

    package func checkAccess(_ token: String?) -> TokenCheck {
        tokens.withLock { state in
            guard let token, token == state.access else { return .invalid }
            return clock.now() < state.accessExpiresAt ? .valid : .expired
        }
    }

    func expireAccessToken() {
        tokens.withLock { $0.accessExpiresAt = clock.now().adding(seconds: -1) }
    }

    /// Issues new tokens when `refreshToken` is the current one (single use: the old one stops working).
    package func rotate(refreshToken: String?, accessLifetimeSeconds: Int64) -> (
        access: String, refresh: String, expiresAt: Moment
    )? {
        tokens.withLock { state in
            guard let refreshToken, refreshToken == state.refresh else { return nil }
            state.generation += 1
            state.access = "\(prefix)-access-\(state.generation)"
            state.refresh = "\(prefix)-refresh-\(state.generation)"
            state.accessExpiresAt = clock.now().adding(seconds: accessLifetimeSeconds)
            return (state.access, state.refresh, state.accessExpiresAt)
        }
    }

    /// Issues a new access token without a refresh token (client-credential apps).
    package func reissueAccess(accessLifetimeSeconds: Int64) -> (access: String, expiresAt: Moment) {
        tokens.withLock { state in
            state.generation += 1
            state.access = "\(prefix)-access-\(state.generation)"
            state.accessExpiresAt = clock.now().adding(seconds: accessLifetimeSeconds)
            return (state.access, state.accessExpiresAt)
        }
    }

    // MARK: - Listings

    package var listings: [FakeListing] { held.withLock { $0 } }

    package func insert(_ listing: FakeListing) { held.withLock { $0.append(listing) } }

    /// The listing with this id, or with the id this alias stands for.
    package func listing(id: String) -> FakeListing? {
        let resolved = aliases.withLock { $0[id] } ?? id
        return held.withLock { $0.first { $0.id == resolved } }
    }

    /// Lets `listing(id:)` find the listing `id` by `alias` too.
    package func alias(_ alias: String, to id: String) { aliases.withLock { $0[alias] = id } }

    package func listing(sku: String) -> FakeListing? { held.withLock { $0.first { $0.sku == sku } } }

    /// Changes the listing with `id`; false when there is none.
    @discardableResult
    package func update(id: String, _ change: (inout FakeListing) -> Void) -> Bool {
        held.withLock { listings in
            guard let index = listings.firstIndex(where: { $0.id == id }) else { return false }
            change(&listings[index])
            listings[index].updates += 1
            return true
        }
    }

    package func remove(id: String) -> Bool {
        held.withLock { listings in
            guard let index = listings.firstIndex(where: { $0.id == id }) else { return false }
            listings.remove(at: index)
            return true
        }
    }
}

/// The test-facing surface every fake platform shares.
public protocol MarketplaceFake: AnyObject, Sendable {
    var core: FakeCore { get }
    var marketplace: Marketplace { get }
    /// What to put in the account's `base_url`.
    var baseURL: String { get }
    /// Valid credentials for this fake seller (tokens follow refreshes).
    var credentials: MarketplaceCredentials { get }
    /// Starts serving on 127.0.0.1 (a free port); timestamps and token expiry are judged by `clock`.
    static func start(clock: any WallClock) async throws -> Self
}

extension MarketplaceFake {
    /// The account context an adapter needs to talk to this fake.
    public var account: MarketplaceAccountContext {
        MarketplaceAccountContext(marketplace: marketplace, baseURL: baseURL, credentials: credentials)
    }

    /// What the platform now shows, in creation order.
    public var listings: [FakeListing] { core.listings }
    public func listing(id: String) -> FakeListing? { core.listing(id: id) }
    public func listing(sku: String) -> FakeListing? { core.listing(sku: sku) }

    /// Requests received so far, including refused ones.
    public var requestCount: Int { core.server.requests.count }
    /// The paths received so far, in order.
    public var requestPaths: [String] { core.server.requests.map { "\($0.method) \($0.path)" } }
    public var currentAccessToken: String { core.accessToken }

    /// The next `times` requests are throttled the platform's way, with `Retry-After` when given.
    public func throttle(times: Int = 1, retryAfterSeconds: Int? = 2) {
        core.faults.throttle(times: times, retryAfterSeconds: retryAfterSeconds)
    }

    /// The next `times` requests fail with HTTP 500/503.
    public func failWithServerError(times: Int = 1) { core.faults.failWithServerError(times: times) }

    /// The next request to `path` is carried out, and its answer lost (a 500 instead).
    public func loseAnswer(to path: String, times: Int = 1) { core.faults.loseAnswer(to: path, times: times) }

    /// The next `times` requests get no answer for `duration` (longer than the client's timeout).
    public func hang(times: Int = 1, for duration: Duration = .seconds(5)) {
        core.faults.hang(times: times, for: duration)
    }

    /// The current access token stops working now, as if its lifetime ran out.
    public func expireAccessToken() { core.expireAccessToken() }

    public func stop() async { await core.server.stop() }
}

extension MarketplaceFake {
    /// Starts a fake, hands it to `body`, and stops it whatever happens.
    public static func run<T>(clock: any WallClock = SystemWallClock(), _ body: (Self) async throws -> T)
        async throws -> T
    {
        let fake = try await start(clock: clock)
        do {
            let value = try await body(fake)
            await fake.stop()
            return value
        } catch {
            await fake.stop()
            throw error
        }
    }
}
