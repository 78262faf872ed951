public import OCOPDomain

/// A session as stored.
public struct LivestreamRecord: Sendable, Hashable, Codable {
    public var slug: String
    public var title: String
    public var platform: String
    public var pageUrl: String
    public var host: String
    public var point: String
    public var producers: [String]
    public var startsAt: String
    public var endsAt: String
    public var status: String
    public var holdMinutes: Int
    public var products: [LiveProduct]
}

/// An order taken in a session. Buyer details are for staff in scope only.
public struct LiveOrderRecord: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var code: String
        public var sku: String
        public var quantity: Int
        public var unitPrice: Int
    }

    public var id: Int
    public var number: Int
    public var livestream: String
    /// "comment" or "staff".
    public var source: String
    public var viewerId: String?
    public var buyerName: String
    public var phone: String
    public var address: String?
    /// held, confirmed, cancelled or expired (a held order past its time reads as expired).
    public var status: String
    public var total: Int
    public var createdAt: String
    public var expiresAt: String
    public var closedAt: String?
    public var closedBy: String?
    public var receiptNumber: String?
    public var lines: [Line]
}

/// The outcome of reading a batch of comments.
public struct CommentBatchResult: Sendable, Hashable, Codable {
    public struct Outcome: Sendable, Hashable, Codable {
        /// Position of the comment in the batch.
        public var index: Int
        public var outcome: String
        public var order: Int?
        /// Why an order comment did not become (part of) an order.
        public var reason: String?
    }

    /// Comments in the batch.
    public var received: Int
    /// Comments seen before (a replayed batch): ignored.
    public var duplicates: Int
    public var ordersCreated: Int
    public var ordersUpdated: Int
    /// One entry per new comment.
    public var outcomes: [Outcome]
}

/// A session's report: comments, orders by outcome, units and revenue per product.
public struct LivestreamReport: Sendable, Hashable, Codable {
    public struct ProductLine: Sendable, Hashable, Codable {
        public var code: String
        public var sku: String
        public var product: String
        public var livePrice: Int
        public var unitsOrdered: Int
        public var unitsConfirmed: Int
        public var unitsHeld: Int
        public var revenue: Int
    }

    public var livestream: String
    public var title: String
    public var status: String
    public var commentsRead: Int
    public var orderComments: Int
    public var ordersCreated: Int
    public var ordersConfirmed: Int
    public var ordersCancelled: Int
    public var ordersExpired: Int
    public var ordersOpen: Int
    public var unitsConfirmed: Int
    public var revenue: Int
    public var products: [ProductLine]
}
