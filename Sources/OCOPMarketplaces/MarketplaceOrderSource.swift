public import OCOPDomain

/// Reads orders back from a marketplace (MARKETPLACE-ORDERS.md). Pushes only say that an order
/// changed; the adapter fetches the order itself, and checks the answer before anyone counts it.
public protocol MarketplaceOrderSource: Sendable {
    /// The orders with these platform ids, with their lines; ids the platform does not know are
    /// left out, and orders it answered that do not pass the checks are set aside, each on its own.
    func orders(ids: [String], account: MarketplaceAccountContext) async throws(MarketplaceError) -> FetchedOrders

    /// The ids of the orders changed from `from` to `to` (Unix seconds, both included), across
    /// the platform's window limit and pages, each id once; and the time up to which the list is
    /// complete (`to`, or the end of the last whole window when a pull took as many as it may).
    func changedOrders(from: Int64, to: Int64, account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> (ids: [String], through: Int64)
}

/// A platform that keeps order events in a queue to be pulled and acknowledged, instead of pushing
/// them (Tiki, MARKETPLACE-ORDERS.md §4.3).
public protocol MarketplaceOrderQueue: Sendable {
    /// The next batch of the account's queue, asked with the ack id of the batch before (which this
    /// acknowledges; nil for none), or nil when the account has no queue.
    func queuedOrders(ack: String?, account: MarketplaceAccountContext) async throws(MarketplaceError) -> QueuedOrders?
}

/// One batch of an event queue.
public struct QueuedOrders: Sendable, Equatable {
    /// The orders the batch's events name, each once, in order.
    public let orderIDs: [String]
    /// How many events the batch held, order events or not: 0 when the queue is empty.
    public let events: Int
    /// To send with the next pull, which acknowledges this batch.
    public let ack: String?
}

/// What a detail call brought back: the orders read, and those the platform answered that could not
/// be (a missing status, a negative quantity…). One odd order must not hold back the account's
/// others, so it is set aside with its reason instead of failing the whole answer.
public struct FetchedOrders: Sendable {
    public struct Unreadable: Sendable, Equatable {
        /// The order's platform id, or "" when even that was not a usable id.
        public let id: String
        public let reason: String
    }

    public var orders: [PlatformOrder] = []
    public var unreadable: [Unreadable] = []

    public init(orders: [PlatformOrder] = [], unreadable: [Unreadable] = []) {
        self.orders = orders
        self.unreadable = unreadable
    }

    /// Reads one order of the answer with `read`, or sets it aside under `id` with the reason.
    mutating func read(_ id: String?, _ read: () throws(MarketplaceError) -> PlatformOrder) {
        do {
            orders.append(try read())
        } catch {
            unreadable.append(Unreadable(id: id.flatMap { OrderAnswer.isID($0) ? $0 : nil } ?? "", reason: error.message))
        }
    }
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
    /// Events one queue batch may hold before the answer is treated as broken.
    static let maxEventsPerBatch = 1_000
    /// Pages one window may take before the answer is treated as broken (50 000 orders).
    static let maxPagesPerWindow = 1_000

    static func bad(_ message: String) -> MarketplaceError {
        MarketplaceError(.transient, code: "bad_response", message: message)
    }
}
