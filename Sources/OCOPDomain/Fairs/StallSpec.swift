import Foundation

/// A stall's new fields for bulk creation.
public struct StallSpec: Sendable, Hashable {
    public var code: String
    public var zone: String
    public var size: StallSize
    public var feeVnd: Int

    public init(code: String, zone: String, size: StallSize, feeVnd: Int) {
        self.code = code
        self.zone = zone
        self.size = size
        self.feeVnd = feeVnd
    }
}
