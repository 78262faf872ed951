import Foundation
import Hummingbird
import OCOPDomain
import OCOPStorage

// The JSON bodies of the fair endpoints, and their checks. Each check names the field it refuses.

struct FairRequest: Decodable {
    var slug: String
    var kind: String
    var name: String
    var venue: String
    var province: String
    var opensOn: String
    var closesOn: String
    var dailyHours: String
    var organiser: String

    /// Fairs run days, not months: a longer span is almost certainly a typo.
    static let maxDays = 60

    func validated(localities: Localities) throws(DomainError) -> Fair {
        var checks = FieldChecks()
        checks.require(VietnameseText.isSlug(slug), "slug", "lower-case letters, digits and single hyphens")
        let kind = FairKind(rawValue: self.kind)
        checks.require(kind != nil, "kind", "one of \(FairKind.allCases.map(\.rawValue).joined(separator: ", "))")
        for (value, field) in [(name, "name"), (venue, "venue"), (organiser, "organiser"), (dailyHours, "daily_hours")] {
            checks.require(!value.trimmingCharacters(in: .whitespaces).isEmpty && value.utf8.count <= 300, field, "1–300 bytes")
        }
        let province = localities.province(codeOrName: self.province)
        checks.require(province != nil, "province", "a province code or name")
        let opens = CalendarDate(iso: opensOn)
        let closes = CalendarDate(iso: closesOn)
        checks.require(opens != nil, "opens_on", "a date YYYY-MM-DD")
        checks.require(closes != nil, "closes_on", "a date YYYY-MM-DD")
        if let opens, let closes {
            checks.require(opens <= closes, "closes_on", "must not be before opens_on")
            checks.require(
                closes.daysSince1970 - opens.daysSince1970 < Self.maxDays, "closes_on", "at most \(Self.maxDays) days after opens_on")
        }
        try checks.throwIfAny()
        return Fair(
            slug: slug, kind: kind!, name: name, venue: venue, provinceCode: province!.code, opensOn: opens!,
            closesOn: closes!, dailyHours: dailyHours, organiser: organiser)
    }
}

struct StallsRequest: Decodable {
    /// Either the codes one by one…
    var codes: [String]?
    /// …or a range such as "A-01" to "A-50".
    var from: String?
    var to: String?
    var zone: String
    var size: String
    var feeVnd: Int

    func validated() throws(DomainError) -> [StallSpec] {
        var checks = FieldChecks()
        var codes = self.codes ?? []
        if self.codes == nil {
            checks.require(from != nil && to != nil, "codes", "give codes, or from and to (e.g. A-01 and A-50)")
            if let from, let to {
                if let range = StallCode.range(from: from, to: to) {
                    codes = range
                } else if !StallCode.isValid(from) {
                    checks.require(false, "from", "a stall code such as A-01")
                } else {
                    checks.require(
                        false, "to", "a code from 'from' on with the same prefix, at most \(StallCode.maxBulk) stalls")
                }
            }
        } else {
            checks.require(from == nil && to == nil, "from", "give either codes or from and to")
            checks.require((1...StallCode.maxBulk).contains(codes.count), "codes", "1 to \(StallCode.maxBulk) codes")
            var seen: Set<String> = []
            for (index, code) in codes.enumerated() {
                checks.require(StallCode.isValid(code), "codes[\(index)]", "a stall code such as A-12")
                checks.require(seen.insert(code).inserted, "codes[\(index)]", "given twice")
            }
        }
        checks.require(!zone.isEmpty && zone.utf8.count <= 100, "zone", "1–100 bytes")
        let size = StallSize(rawValue: self.size)
        checks.require(size != nil, "size", "one of \(StallSize.allCases.map(\.rawValue).joined(separator: ", "))")
        checks.require((0...1_000_000_000).contains(feeVnd), "fee_vnd", "whole VND from 0 to 1,000,000,000")
        try checks.throwIfAny()
        return codes.map { StallSpec(code: $0, zone: zone, size: size!, feeVnd: feeVnd) }
    }
}

struct ApplicationRequest: Decodable {
    /// The producer's own slug; a producer account may leave it out.
    var producer: String?
    var products: [String]
    var stallsWanted: Int?
    var note: String?

    func validated(identity: StaffIdentity) throws -> (producer: String, products: [String], stalls: Int) {
        var checks = FieldChecks()
        let producer = self.producer ?? (identity.role == .producer && identity.scopes.count == 1 ? identity.scopes.first : nil)
        checks.require(producer != nil, "producer", "required")
        checks.require((1...50).contains(products.count), "products", "1 to 50 product slugs")
        checks.require(Set(products).count == products.count, "products", "each product once")
        for (index, product) in products.enumerated() {
            checks.require(VietnameseText.isSlug(product), "products[\(index)]", "a product slug")
        }
        checks.require((1...20).contains(stallsWanted ?? 1), "stalls_wanted", "a whole number from 1 to 20")
        checks.require((note ?? "").utf8.count <= 500, "note", "at most 500 bytes")
        try checks.throwIfAny()
        guard identity.canActForProducer(producer!) else {
            throw Problem(.forbidden, "\(identity.username) may apply only for its own producer, not '\(producer!)'")
        }
        return (producer!, products, stallsWanted ?? 1)
    }
}

struct AllocationRequest: Decodable {
    var applicationId: Int
}

/// The closing count of a stall: every batch it holds, counted (an empty stall sends no lines).
struct StallCloseRequest: Decodable {
    struct Line: Decodable {
        var sku: String
        var batch: String?
        var counted: Int
    }

    var lines: [Line]

    func validated() throws(DomainError) -> [BatchLine] {
        var checks = FieldChecks()
        checks.require(lines.count <= StockRules.maxLines, "lines", "at most \(StockRules.maxLines) lines")
        for (index, line) in lines.enumerated() {
            checks.quantity(line.counted, "lines[\(index)].counted", allowZero: true)
            checks.batch(line.batch, "lines[\(index)].batch")
        }
        try checks.throwIfAny()
        return lines.map { BatchLine(sku: $0.sku, batch: $0.batch, quantity: $0.counted) }
    }
}

extension AppRequestContext {
    /// The caller, who must manage the fair (its fair manager, or an admin); 401 / 403 otherwise.
    func requireFairScope(_ fair: String) throws(Problem) -> StaffIdentity {
        let identity = try requireIdentity()
        guard identity.canManageFair(fair) else {
            throw Problem(.forbidden, "\(identity.username) may not manage fair '\(fair)'")
        }
        return identity
    }
}
