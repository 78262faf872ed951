import OCOPDomain
import Testing

@Suite struct RenewalOutlookTests {
    private func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    private func certificate(stars: Int = 3, issued: String, revoked: String? = nil) -> Certificate {
        Certificate(
            number: "01/GCN", decisionNumber: "123/QĐ-UBND", authority: "UBND tỉnh Tuyên Quang",
            stars: StarRating(stars)!, score: stars == 2 ? 45 : 60, issuedOn: date(issued), expiresOn: nil,
            revokedOn: revoked.map(date), revocationReason: revoked == nil ? nil : "Vi phạm an toàn thực phẩm")
    }

    @Test func theRenewalWindowOpensNinetyDaysBeforeTheEnd() {
        let cert = [certificate(issued: "2024-12-18")]  // ends 2027-12-18
        let early = RenewalOutlook(certificates: cert, on: date("2027-09-18"))
        #expect((early.state, early.daysLeft) == (.valid, 91))
        let due = RenewalOutlook(certificates: cert, on: date("2027-09-19"))
        #expect((due.state, due.daysLeft) == (.renewSoon, 90))
        let lastDay = RenewalOutlook(certificates: cert, on: date("2027-12-17"))
        #expect((lastDay.state, lastDay.daysLeft) == (.renewSoon, 1))
        let after = RenewalOutlook(certificates: cert, on: date("2027-12-18"))
        #expect((after.state, after.daysLeft) == (.expired, 0))
    }

    @Test func aRenewedProductIsJudgedOnItsNewCertificate() {
        let certs = [certificate(issued: "2021-01-10"), certificate(stars: 4, issued: "2024-01-05")]
        let outlook = RenewalOutlook(certificates: certs, on: date("2024-01-05"))
        #expect(outlook.state == .valid)
        #expect(outlook.certificate?.stars == StarRating(4))
    }

    @Test func revokedTwoStarAndUncertifiedProductsAreNotPublished() {
        #expect(RenewalOutlook(certificates: [certificate(issued: "2025-01-01", revoked: "2026-06-01")],
                               on: date("2026-07-01")).state == .revoked)
        #expect(RenewalOutlook(certificates: [certificate(stars: 2, issued: "2025-01-01")],
                               on: date("2026-07-01")).state == .belowThreeStars)
        #expect(RenewalOutlook(certificates: [], on: date("2026-07-01")).state == .uncertified)
        // Issued, but valid only from a later day: not yet certified.
        #expect(RenewalOutlook(certificates: [certificate(issued: "2026-08-01")], on: date("2026-07-01")).state
            == .uncertified)
    }
}
