import Logging
import OCOPDomain
import OCOPMarketplaces
import OCOPStorage

/// Calls a platform with fresh tokens: refreshed ahead of expiry, and once more when the platform
/// says the token is expired. New tokens are committed before they are used, since some platforms'
/// refresh tokens work only once. The listing sync and the order import both call through here.
struct FreshTokenCalls: Sendable {
    let accounts: MarketplaceAccountStore
    let clock: any WallClock
    /// Tokens expiring within this margin are refreshed first.
    let refreshMargin: Duration
    let logger: Logger

    func call<T: Sendable>(
        _ account: MarketplaceAccount, credentials stored: StoredCredentials, adapter: any MarketplaceAdapter,
        _ operation: (MarketplaceAccountContext) async throws(MarketplaceError) -> T
    ) async throws(MarketplaceError) -> T {
        var credentials = stored
        if let expiry = credentials.accessTokenExpiresAt, expiry <= clock.now().adding(seconds: refreshMargin.components.seconds) {
            credentials = try await refresh(account, credentials, adapter: adapter)
        }
        do {
            return try await operation(Self.context(account, credentials))
        } catch where error.kind == .authExpired {
            credentials = try await refresh(account, credentials, adapter: adapter)
            return try await operation(Self.context(account, credentials))
        }
    }

    private func refresh(_ account: MarketplaceAccount, _ credentials: StoredCredentials, adapter: any MarketplaceAdapter)
        async throws(MarketplaceError) -> StoredCredentials
    {
        let id = account.id
        let logger = logger
        do {
            return try await accounts.refreshOnce(account: id, used: credentials, at: clock.now()) { current in
                let fresh = try await adapter.refreshTokens(account: Self.context(account, current))
                logger.info("refreshed marketplace tokens", metadata: ["account": "\(id)"])
                return StoredCredentials(
                    values: current.values.merging(fresh.values) { $1 }, accessTokenExpiresAt: fresh.accessTokenExpiresAt)
            }
        } catch let error as MarketplaceError {
            throw error
        } catch {
            throw MarketplaceError(.transient, code: "storage", message: "could not store the refreshed tokens")
        }
    }

    static func context(_ account: MarketplaceAccount, _ credentials: StoredCredentials) -> MarketplaceAccountContext {
        MarketplaceAccountContext(
            marketplace: Marketplace(rawValue: account.marketplace) ?? .shopee, baseURL: account.baseURL,
            credentials: MarketplaceCredentials(values: credentials.values, accessTokenExpiresAt: credentials.accessTokenExpiresAt))
    }
}
