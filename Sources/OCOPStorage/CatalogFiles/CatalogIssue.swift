/// One problem in the catalog files, printed as `file:line: field: reason`.
public struct CatalogIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var field: String
    public var reason: String

    public var description: String { "\(file):\(line): \(field): \(reason)" }
}
