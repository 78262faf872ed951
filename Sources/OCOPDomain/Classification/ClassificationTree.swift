/// One node of the OCOP product classification: a sector ("I"), group ("I.5") or sub-group ("I.5.a").
public struct ClassificationNode: Hashable, Sendable {
    public let code: String
    public let name: LocalizedText
    /// The parent's code, nil for a sector.
    public let parentCode: String?
    /// True when no node has this one as parent: every product belongs to exactly one leaf.
    public let isLeaf: Bool
}

/// The classification tree of a legal basis (Decision 148/QĐ-TTg, Appendix I), loaded from data.
public struct ClassificationTree: Sendable {
    /// The legal basis the tree comes from, e.g. "148/QĐ-TTg".
    public let legalBasis: String
    public let nodes: [ClassificationNode]
    private let byCode: [String: ClassificationNode]

    /// Builds the tree from CSV text with the header `code,vi,en`; parents follow from the codes.
    public init(legalBasis: String, csv: String) throws(DomainError) {
        let rows = CSVParser.rows(csv).dropFirst()
        let codes = Set(rows.map { $0[0] })
        var nodes: [ClassificationNode] = []
        for row in rows {
            guard row.count == 3 else { throw DomainError(.invalid, "classification row \(row) needs 3 fields") }
            let code = row[0]
            let parent = Self.parentCode(of: code)
            if let parent, !codes.contains(parent) {
                throw DomainError(.invalid, "classification \(code) has no parent \(parent)")
            }
            let isLeaf = !codes.contains { Self.parentCode(of: $0) == code }
            nodes.append(
                ClassificationNode(code: code, name: LocalizedText(vi: row[1], en: row[2]), parentCode: parent, isLeaf: isLeaf))
        }
        self.legalBasis = legalBasis
        self.nodes = nodes
        self.byCode = Dictionary(uniqueKeysWithValues: nodes.map { ($0.code, $0) })
    }

    /// The node with this exact code.
    public func node(_ code: String) -> ClassificationNode? { byCode[code] }

    /// The leaves, in the order of the appendix.
    public var leaves: [ClassificationNode] { nodes.filter(\.isLeaf) }

    /// The sector code ("I") of any code ("I.5.a").
    public static func sectorCode(of code: String) -> String {
        String(code.prefix { $0 != "." })
    }

    /// Whether `code` is `prefix` itself or lies under it ("I.5.a" is under "I.5" and "I", not "I.50").
    public static func code(_ code: String, isWithin prefix: String) -> Bool {
        code == prefix || code.hasPrefix(prefix + ".")
    }

    /// The parent code, following the appendix layout: "I.5.a" → "I.5" → "I" → nil.
    public static func parentCode(of code: String) -> String? {
        guard let dot = code.lastIndex(of: ".") else { return nil }
        return String(code[..<dot])
    }
}
