import OCOPDomain
import Testing

/// The rules the write path applies before anything is stored.
@Suite struct WriteRulesTests {
    @Test func aLineCostsItsPriceTimesItsQuantityLessItsDiscount() {
        #expect(SaleLine(sku: "MAT-ONG", quantity: 3, discount: 50_000).amount(unitPrice: 450_000) == 1_300_000)
        #expect(SaleLine(sku: "MAT-ONG", quantity: 1, discount: 450_000).amount(unitPrice: 450_000) == 0)
        // More off than the line costs, or figures past Int: refused, never a crash.
        #expect(SaleLine(sku: "MAT-ONG", quantity: 1, discount: 450_001).amount(unitPrice: 450_000) == nil)
        #expect(SaleLine(sku: "MAT-ONG", quantity: Int.max, discount: 0).amount(unitPrice: 2) == nil)
        #expect(SaleLine(sku: "MAT-ONG", quantity: 1, discount: -1).amount(unitPrice: 10) == nil)
    }

    @Test func aReceiptNumberIsTheDayAndTheRunningCount() {
        let day = CalendarDate(year: 2026, month: 12, day: 2)!
        #expect(ReceiptNumber.make(on: day, sequence: 42) == "20261202-000042")
        #expect(ReceiptNumber.make(on: day, sequence: 1_234_567) == "20261202-1234567")
    }

    @Test func usernamesPasswordsAndScopesAreCheckedByField() {
        #expect(UserRules.issues(username: "nv-hoankiem", password: "mat-khau-dai-du", role: .pointStaff, scopes: ["diem-a"]).isEmpty)
        #expect(UserRules.issues(username: "NV", password: "short", role: .pointStaff, scopes: []).map(\.field)
            == ["username", "password", "scopes"])
        #expect(UserRules.issues(username: "office", password: String(repeating: "á", count: 40), role: .admin, scopes: [])
            .map(\.field) == ["password"])  // 80 bytes: bcrypt would cut it
        #expect(UserRules.issues(username: "htx", password: "mat-khau-dai-du", role: .producer, scopes: ["a", "b"])
            .map(\.field) == ["scopes"])
    }

    private func certificate(stars: Int, issued: String, revoked: String? = nil) -> Certificate {
        var certificate = Certificate(
            number: "01/GCN", decisionNumber: "QĐ-01", authority: "UBND tỉnh Tuyên Quang", stars: StarRating(stars)!,
            score: stars >= 3 ? 62 : 45, issuedOn: CalendarDate(iso: issued)!, expiresOn: nil, potentialFiveStar: false,
            legalBasis: "148/QĐ-TTg")
        certificate.revokedOn = revoked.flatMap(CalendarDate.init(iso:))
        return certificate
    }

    @Test func aStampTellsWhetherItsProductIsValidTodayAndWhetherItLooksCopied() {
        let today = CalendarDate(year: 2026, month: 12, day: 2)!
        let valid = certificate(stars: 4, issued: "2025-01-10")
        #expect(StampVerdict(certificates: [valid], totalScans: 3, provinces: 1, on: today).status == .validOCOP)
        #expect(StampVerdict(certificates: [valid], totalScans: 21, provinces: 1, on: today).status == .possiblyCopied)
        #expect(StampVerdict(certificates: [valid], totalScans: 2, provinces: 2, on: today).possiblyCopied)
        let expired = certificate(stars: 3, issued: "2022-01-10")
        #expect(StampVerdict(certificates: [expired], totalScans: 1, provinces: 1, on: today).status == .expired)
        let revoked = certificate(stars: 5, issued: "2025-05-10", revoked: "2026-11-01")
        let verdict = StampVerdict(certificates: [revoked], totalScans: 1, provinces: 1, on: today)
        #expect(verdict.status == .revoked)
        #expect(!verdict.isValidToday)
        #expect(verdict.shown?.number == "01/GCN")
        #expect(StampVerdict(certificates: [certificate(stars: 2, issued: "2025-01-01")], totalScans: 1, provinces: 1, on: today)
            .status == .notCertified)
        #expect(StampVerdict(certificates: [], totalScans: 1, provinces: 1, on: today).status == .notCertified)
    }

    @Test func aStampLinksToItsGS1DigitalLinkWhenTheProductHasAGTIN() {
        let gtin = GTIN("8934588012228")
        #expect(StampLink.path(code: "ABCD2345", gtin: gtin, batch: "L 1/2") == "/01/08934588012228/10/L%201%2F2/21/ABCD2345")
        #expect(StampLink.path(code: "ABCD2345", gtin: gtin, batch: nil) == "/01/08934588012228/21/ABCD2345")
        #expect(StampLink.path(code: "ABCD2345", gtin: nil, batch: "L1") == "/v/ABCD2345")
        #expect(StampLink.path(code: "X", gtin: gtin, batch: "Lô-1") == "/01/08934588012228/10/L%C3%B4-1/21/X")
    }
}
