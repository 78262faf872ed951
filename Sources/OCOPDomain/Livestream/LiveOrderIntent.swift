/// An order read from a viewer's comments: which live codes, how many, and the phone to reach them.
public struct LiveOrderIntent: Hashable, Sendable {
    /// The platform's id for the viewer.
    public var viewerID: String
    /// The viewer's display name.
    public var viewerName: String
    /// The number the seller calls to close the order.
    public var phone: VietnameseMobileNumber
    /// One line per code, in the order the codes were first written.
    public var lines: [LiveOrderLine]
    /// When the (first) comment was posted: the order's place in the queue for stock.
    public var postedAt: Moment

    public init(
        viewerID: String, viewerName: String, phone: VietnameseMobileNumber, lines: [LiveOrderLine], postedAt: Moment
    ) {
        self.viewerID = viewerID
        self.viewerName = viewerName
        self.phone = phone
        self.lines = lines
        self.postedAt = postedAt
    }

    /// The quantity ordered of a code (case-insensitive), 0 when the order does not hold it.
    public func quantity(of code: String) -> Int {
        let folded = VietnameseText.fold(code)
        return lines.first { VietnameseText.fold($0.code) == folded }?.quantity ?? 0
    }

    /// Units across all lines.
    public var totalQuantity: Int { lines.reduce(0) { $0 + $1.quantity } }
}

/// One live code and the units ordered of it.
public struct LiveOrderLine: Hashable, Sendable {
    /// The live code as the session defines it, e.g. "CS01".
    public var code: String
    /// Units, 1–99.
    public var quantity: Int

    public init(code: String, quantity: Int) {
        self.code = code
        self.quantity = quantity
    }
}
