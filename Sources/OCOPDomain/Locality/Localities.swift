/// A province or centrally-run city (34 since 01/07/2025), with its 2-digit official code.
public struct Province: Hashable, Sendable {
    public let code: String
    public let name: String
    /// "tỉnh" or "thành phố trung ương".
    public let kind: String
}

/// A commune, ward or special zone (3,321 since 01/07/2025), with its 5-digit official code.
public struct Commune: Hashable, Sendable {
    public let code: String
    public let name: String
    public let kind: String
    public let provinceCode: String
}

/// The official administrative units of a date (19/2025/QĐ-TTg), loaded from the shipped CSV.
public struct Localities: Sendable {
    public let provinces: [Province]
    private let provincesByCode: [String: Province]
    private let provincesByFoldedName: [String: Province]
    private let communesByCode: [String: Commune]

    /// Reads CSV with the header `province_code,province_name,province_type,commune_code,commune_name,commune_type`.
    public init(csv: String) throws(DomainError) {
        var provinces: [String: Province] = [:]
        var order: [String] = []
        var communes: [String: Commune] = [:]
        for row in CSVParser.rows(csv).dropFirst() {
            guard row.count == 6 else { throw DomainError(.invalid, "locality row \(row) needs 6 fields") }
            if provinces[row[0]] == nil {
                provinces[row[0]] = Province(code: row[0], name: row[1], kind: row[2])
                order.append(row[0])
            }
            communes[row[3]] = Commune(code: row[3], name: row[4], kind: row[5], provinceCode: row[0])
        }
        self.provinces = order.map { provinces[$0]! }
        self.provincesByCode = provinces
        var byName: [String: Province] = [:]
        for province in provinces.values {
            byName[VietnameseText.fold(province.name)] = province
            // "Thành phố Hà Nội" is also asked for as "Hà Nội".
            let short = province.name.replacing("Thành phố ", with: "")
            byName[VietnameseText.fold(short)] = province
        }
        self.provincesByFoldedName = byName
        self.communesByCode = communes
    }

    public var communeCount: Int { communesByCode.count }

    public func province(code: String) -> Province? { provincesByCode[code] }

    public func commune(code: String) -> Commune? { communesByCode[code] }

    /// A province by its code or its name, ignoring case and diacritics ("ha noi", "01", "Hà Nội").
    public func province(codeOrName: String) -> Province? {
        provincesByCode[codeOrName] ?? provincesByFoldedName[VietnameseText.fold(codeOrName)]
    }

    /// Checks that a province code exists and that the commune, when given, lies in it.
    public func validate(provinceCode: String, communeCode: String?) -> [DomainError.FieldIssue] {
        guard province(code: provinceCode) != nil else {
            return [.init(field: "province", reason: "unknown province code '\(provinceCode)' in the 2025 list")]
        }
        guard let communeCode else { return [] }
        guard let commune = commune(code: communeCode) else {
            return [.init(field: "commune", reason: "unknown commune code '\(communeCode)' in the 2025 list")]
        }
        guard commune.provinceCode == provinceCode else {
            return [
                .init(
                    field: "commune",
                    reason: "commune \(communeCode) (\(commune.name)) lies in province \(commune.provinceCode), not \(provinceCode)")
            ]
        }
        return []
    }
}
