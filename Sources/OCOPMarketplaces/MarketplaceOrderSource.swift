public import OCOPDomain

/// Reads orders back from a marketplace (MARKETPLACE-ORDERS.md). Pushes only say that an order
/// changed; the adapter fetches the order itself, and checks the answer before anyone counts it.
public protocol MarketplaceOrderSource: Sendable {
    /// The orders with these platform ids, with their lines; ids the platform does not know are left out.
    func orders(ids: [String], account: MarketplaceAccountContext) async throws(MarketplaceError) -> [PlatformOrder]

    /// The ids of the orders changed from `from` to `to` (Unix seconds, both included), across
    /// the platform's window limit and pages, each id once; and the time up to which the list is
    /// complete (`to`, or the end of the last whole window when a pull took as many as it may).
    func changedOrders(from: Int64, to: Int64, account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> (ids: [String], through: Int64)
}

/// Checks of what a platform answers about orders, shared by the adapters.
enum OrderAnswer {
    /// A platform id as we store it: 1–64 letters, digits, `-` or `_`.
    static func isID(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45 || byte == 95
        }
    }

    /// Past this many ids a pull stops at the end of its current window; the next pull goes on
    /// from there.
    static let maxIDsPerPull = 5_000
    /// Pages one window may take before the answer is treated as broken (50 000 orders).
    static let maxPagesPerWindow = 1_000

    static func bad(_ message: String) -> MarketplaceError {
        MarketplaceError(.transient, code: "bad_response", message: message)
    }
}
