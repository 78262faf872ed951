public import OCOPDomain

/// A stall on a fair's map, with the producer allocated to it, if any.
public struct FairStall: Sendable, Hashable, Encodable {
    public var fair: String
    public var code: String
    public var zone: String
    public var size: StallSize
    public var feeVnd: Int
    /// The point that carries the stall's stock on the ledger (not shown in the public point list).
    public var pointSlug: String
    public var producer: String?
    public var applicationID: Int?
    public var closedAt: String?

    /// free, allocated or closed.
    public var status: String { closedAt != nil ? "closed" : (producer == nil ? "free" : "allocated") }

    private enum CodingKeys: String, CodingKey {
        case fair, code, zone, size, feeVnd, pointSlug, producer, applicationID, closedAt, status
    }

    /// The stored fields and the derived status.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fair, forKey: .fair)
        try container.encode(code, forKey: .code)
        try container.encode(zone, forKey: .zone)
        try container.encode(size, forKey: .size)
        try container.encode(feeVnd, forKey: .feeVnd)
        try container.encode(pointSlug, forKey: .pointSlug)
        try container.encode(producer, forKey: .producer)
        try container.encode(applicationID, forKey: .applicationID)
        try container.encode(closedAt, forKey: .closedAt)
        try container.encode(status, forKey: .status)
    }
}

/// What a producer asked for: stalls, and the products it will bring.
public struct FairApplication: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting for the manager's decision.
        case pending
        /// Holds at least one stall.
        case allocated
        /// On the waiting list, served in order of application.
        case waiting
        case cancelled
    }

    public var id: Int
    public var fair: String
    public var producer: String
    public var products: [String]
    public var stallsWanted: Int
    public var note: String?
    public var status: Status
    public var stalls: [String]
    public var createdAt: String
    public var createdBy: String
}

/// A fair with its stalls and the products each allocated producer brings: what the public view needs.
public struct FairListing: Sendable, Hashable {
    public var fair: Fair
    public var stalls: [FairStall]
    /// application id → product slugs it listed
    public var productsByApplication: [Int: [String]]
}

/// A cancelled application, and the first one still on the waiting list (to offer the freed
/// stalls to).
public struct FairApplicationCancellation: Sendable, Hashable, Encodable {
    public var application: FairApplication
    public var nextWaiting: FairApplication?
}

/// A stall closed: the count's discrepancies and where the remainder went.
public struct StallClosing: Sendable, Hashable, Codable {
    public struct Return: Sendable, Hashable, Codable {
        public var sku: String
        public var batch: String
        public var quantity: Int
        /// A point slug, or "producer:<slug>" when the goods came by receipt.
        public var to: String
        /// The transfer carrying goods back to a point (the point receives it as usual).
        public var transferID: Int?
    }

    public var fair: String
    public var stall: String
    public var closedAt: String
    public var discrepancies: [LedgerEntry]
    public var returns: [Return]
}
