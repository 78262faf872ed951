import OCOPDomain

/// Per snapshot: which products lie under each classification code, have each star rating, come
/// from each province, and per product the small numbers facets are counted with. A list request
/// intersects a few of these sets and counts facets over the matches only.
struct ProductFilterIndex: Sendable {
    private let byGroup: [String: ProductSet]
    /// Index s: the products whose certificate has at least s stars (0 and 1: all of them).
    private let atLeastStars: [ProductSet]
    /// Index s: the products whose certificate has exactly s stars.
    private let exactStars: [ProductSet]
    private let byProvince: [String: ProductSet]
    let universe: Int

    private let starsOf: [UInt8]
    private let provinceSlotOf: [UInt16]
    private let provinceCodes: [String]
    /// `groupDepth` slots per product, padded with `noGroup`.
    private let groupSlotsOf: [UInt16]
    private let groupDepth: Int
    private let groupCodes: [String]
    private static let noGroup = UInt16.max

    init(products: [PublishedProduct]) {
        universe = products.count
        var groupSlot: [String: UInt16] = [:]
        var groupCodes: [String] = []
        var provinceSlot: [String: UInt16] = [:]
        var provinceCodes: [String] = []
        var groupMembers: [[Int]] = []
        var provinceMembers: [[Int]] = []
        var exact = [ProductSet](repeating: ProductSet(universe: products.count), count: 6)
        let depth = products.map(\.groupPath.count).max() ?? 0
        var starsOf: [UInt8] = []
        var provinceSlotOf: [UInt16] = []
        var groupSlotsOf: [UInt16] = []
        starsOf.reserveCapacity(products.count)
        provinceSlotOf.reserveCapacity(products.count)
        groupSlotsOf.reserveCapacity(products.count * depth)
        for (index, entry) in products.enumerated() {
            let stars = entry.certificate.stars.value
            exact[stars].insert(index)
            starsOf.append(UInt8(stars))
            let province = entry.province.code
            let pSlot: UInt16
            if let known = provinceSlot[province] {
                pSlot = known
            } else {
                pSlot = UInt16(provinceCodes.count)
                provinceSlot[province] = pSlot
                provinceCodes.append(province)
                provinceMembers.append([])
            }
            provinceSlotOf.append(pSlot)
            provinceMembers[Int(pSlot)].append(index)
            for code in entry.groupPath {
                let gSlot: UInt16
                if let known = groupSlot[code] {
                    gSlot = known
                } else {
                    gSlot = UInt16(groupCodes.count)
                    groupSlot[code] = gSlot
                    groupCodes.append(code)
                    groupMembers.append([])
                }
                groupSlotsOf.append(gSlot)
                groupMembers[Int(gSlot)].append(index)
            }
            for _ in entry.groupPath.count..<depth { groupSlotsOf.append(Self.noGroup) }
        }
        var atLeast = [ProductSet](repeating: ProductSet(universe: products.count), count: 6)
        atLeast[5] = exact[5]
        for stars in stride(from: 4, through: 0, by: -1) { atLeast[stars] = atLeast[stars + 1].union(exact[stars]) }
        exactStars = exact
        atLeastStars = atLeast
        byGroup = Dictionary(
            uniqueKeysWithValues: groupCodes.enumerated().map {
                ($1, ProductSet(universe: products.count, members: groupMembers[$0]))
            })
        byProvince = Dictionary(
            uniqueKeysWithValues: provinceCodes.enumerated().map {
                ($1, ProductSet(universe: products.count, members: provinceMembers[$0]))
            })
        self.starsOf = starsOf
        self.provinceSlotOf = provinceSlotOf
        self.provinceCodes = provinceCodes
        self.groupSlotsOf = groupSlotsOf
        self.groupDepth = depth
        self.groupCodes = groupCodes
    }

    func group(_ code: String) -> ProductSet { byGroup[code] ?? ProductSet(universe: universe) }
    func stars(exactly stars: Int) -> ProductSet { exactStars[stars] }
    func stars(atLeast stars: Int) -> ProductSet { atLeastStars[stars] }
    func province(_ code: String) -> ProductSet { byProvince[code] ?? ProductSet(universe: universe) }

    /// Counts of the facets over some products.
    struct FacetCounter: Sendable {
        fileprivate var stars = [Int](repeating: 0, count: 6)
        fileprivate var groups: [Int]
        fileprivate var provinces: [Int]
    }

    func facetCounter() -> FacetCounter {
        FacetCounter(
            groups: [Int](repeating: 0, count: groupCodes.count),
            provinces: [Int](repeating: 0, count: provinceCodes.count))
    }

    func count(_ index: Int, into counter: inout FacetCounter) {
        counter.stars[Int(starsOf[index])] += 1
        counter.provinces[Int(provinceSlotOf[index])] += 1
        let start = index * groupDepth
        for slot in groupSlotsOf[start..<start + groupDepth] where slot != Self.noGroup {
            counter.groups[Int(slot)] += 1
        }
    }

    /// The facets as the API shows them: only values with at least one product.
    func facets(_ counter: FacetCounter) -> (stars: [Int: Int], groups: [String: Int], provinces: [String: Int]) {
        var stars: [Int: Int] = [:]
        for (value, count) in counter.stars.enumerated() where count > 0 { stars[value] = count }
        var groups: [String: Int] = [:]
        for (slot, count) in counter.groups.enumerated() where count > 0 { groups[groupCodes[slot]] = count }
        var provinces: [String: Int] = [:]
        for (slot, count) in counter.provinces.enumerated() where count > 0 { provinces[provinceCodes[slot]] = count }
        return (stars, groups, provinces)
    }
}
