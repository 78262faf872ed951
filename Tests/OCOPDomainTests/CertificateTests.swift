import OCOPDomain
import Testing

@Suite struct CertificateTests {
    private func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    private func certificate(
        stars: Int = 3, score: Double = 60, issued: String = "2024-12-18", expires: String? = nil,
        revoked: String? = nil
    ) -> Certificate {
        Certificate(
            number: "01/GCN", decisionNumber: "123/QĐ-UBND", authority: "UBND tỉnh Tuyên Quang",
            stars: StarRating(stars)!, score: score, issuedOn: date(issued), expiresOn: expires.map(date),
            revokedOn: revoked.map(date), revocationReason: revoked == nil ? nil : "Vi phạm an toàn thực phẩm")
    }

    @Test func expiryDefaultsToThirtySixMonthsAfterIssue() {
        #expect(certificate(issued: "2024-12-18").expiresOn == date("2027-12-18"))
        // The 29th of February has no twin three years later: the month's last day is used.
        #expect(certificate(issued: "2024-02-29").expiresOn == date("2027-02-28"))
    }

    @Test func aDecisionMaySetItsOwnExpiry() {
        #expect(certificate(expires: "2026-06-30").expiresOn == date("2026-06-30"))
    }

    @Test func statusFollowsTheCalendar() {
        let cert = certificate(issued: "2024-12-18")
        #expect(cert.status(on: date("2024-12-17")) == .notYetValid)
        #expect(cert.status(on: date("2024-12-18")) == .valid)
        #expect(cert.status(on: date("2027-12-17")) == .valid)
        #expect(cert.status(on: date("2027-12-18")) == .expired)
    }

    @Test func revocationTakesEffectOnItsDate() {
        let cert = certificate(issued: "2024-12-18", revoked: "2026-03-01")
        #expect(cert.status(on: date("2026-02-28")) == .valid)
        #expect(cert.status(on: date("2026-03-01")) == .revoked)
    }

    @Test func inconsistentCertificatesAreReportedByField() {
        let wrongScore = certificate(stars: 4, score: 60)
        #expect(wrongScore.problems().map(\.field) == ["score"])
        var noGround = certificate(revoked: "2026-01-01")
        noGround.revocationReason = nil
        #expect(noGround.problems().map(\.field) == ["revocation_reason"])
        #expect(certificate(issued: "2025-01-01", expires: "2024-01-01").problems().map(\.field) == ["expires_on"])
    }

    @Test func onlyValidCertificatesOfThreeStarsOrMorePublish() {
        let today = date("2026-11-22")
        #expect(PublicationRule.isPublishable([certificate()], on: today))
        #expect(!PublicationRule.isPublishable([certificate(stars: 2, score: 45)], on: today))
        #expect(!PublicationRule.isPublishable([certificate(issued: "2023-03-01")], on: today))
        #expect(!PublicationRule.isPublishable([certificate(revoked: "2026-06-01")], on: today))
        #expect(!PublicationRule.isPublishable([], on: today))
    }

    @Test func theLatestValidCertificateIsTheCurrentOne() {
        let today = date("2026-11-22")
        let old = certificate(stars: 3, score: 60, issued: "2024-01-10")
        var upgrade = certificate(stars: 4, score: 80, issued: "2025-06-01")
        upgrade.number = "02/GCN"
        #expect(PublicationRule.currentCertificate(among: [old, upgrade], on: today)?.number == "02/GCN")
        // A renewal after expiry brings the product back.
        let expired = certificate(issued: "2023-01-01")
        var renewed = certificate(issued: "2026-11-01")
        renewed.number = "03/GCN"
        #expect(PublicationRule.currentCertificate(among: [expired, renewed], on: today)?.number == "03/GCN")
    }
}
