import OCOPDomain
import Testing

@Suite struct CouncilScoringTests {
    /// A single sheet whose total is `total`, spread over the three parts within their maxima.
    private func sheet(_ member: String, total: Double) throws -> MemberScore {
        let a = min(total, 40), b = min(total - a, 25), c = total - a - b
        return try MemberScore(member: member, partA: a, partB: b, partC: (c * 10).rounded() / 10)
    }

    @Test(arguments: [
        (29.9, 1), (30.0, 2), (49.9, 2), (50.0, 3), (69.9, 3), (70.0, 4), (89.9, 4), (90.0, 5), (100.0, 5), (0.0, 1),
    ])
    func theAverageFallsInItsBandAtEveryEdge(total: Double, band: Int) throws {
        let result = try #require(CouncilResult([try sheet("Thành viên 1", total: total)]))
        #expect(result.band.value == band)
        #expect(result.certifies == (band >= 3))
        // A province certifies 90+ as 4★ awaiting the national 5★ decision.
        #expect(result.stars.value == min(band, 4))
        #expect(result.potentialFiveStar == (band == 5))
    }

    @Test func anAverageOfSeveralSheetsIsComparedExactly() throws {
        // (29.8 + 30.0) / 2 = 29.9: 1★; (29.9 + 30.1) / 2 = 30.0: 2★; (69.9 + 70.0) / 2 = 69.95: 3★.
        let low = try #require(CouncilResult([try sheet("A", total: 29.8), try sheet("B", total: 30.0)]))
        #expect(low.band.value == 1)
        let edge = try #require(CouncilResult([try sheet("A", total: 29.9), try sheet("B", total: 30.1)]))
        #expect(edge.band.value == 2)
        let justUnder = try #require(CouncilResult([try sheet("A", total: 69.9), try sheet("B", total: 70.0)]))
        #expect(justUnder.band.value == 3)
        // The certificate's score never rounds across the edge: 69.95 is written 69.95, 3★.
        #expect(justUnder.certificateScore == 69.95)
        let thirds = try #require(
            CouncilResult([try sheet("A", total: 69.9), try sheet("B", total: 70.0), try sheet("C", total: 70.0)]))
        #expect(thirds.band.value == 3)
        #expect(thirds.certificateScore == 69.96)
        #expect(StarRating(3)!.isConsistent(withScore: thirds.certificateScore, potentialFiveStar: false))
        #expect(CouncilResult([]) == nil)
    }

    @Test func aSheetOutsideItsPartsIsRefusedByField() {
        #expect(throws: DomainError.self) { try MemberScore(member: "A", partA: 40.1, partB: 0, partC: 0) }
        do {
            _ = try MemberScore(member: " ", partA: 41, partB: -1, partC: .nan)
            Issue.record("a bad sheet was accepted")
        } catch {
            #expect(Set(error.issues.map(\.field)) == ["member", "part_a", "part_b", "part_c"])
        }
        do {
            _ = try MemberScore(member: "A", partA: 1e300, partB: 12.25, partC: 35)
            Issue.record("a bad sheet was accepted")
        } catch {
            #expect(Set(error.issues.map(\.field)) == ["part_a", "part_b"])
        }
        #expect((try? MemberScore(member: "A", partA: 40, partB: 25, partC: 35))?.totalTenths == 1000)
    }

    @Test func dossierFilesAreKnownByTheirFirstBytes() {
        #expect(DossierFileType.sniff(Array("%PDF-1.7\n".utf8)) == .pdf)
        #expect(DossierFileType.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(DossierFileType.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(DossierFileType.sniff(Array("<html>".utf8)) == nil)
        #expect(DossierFileType.sniff(Array("%PD".utf8)) == nil)
    }

    @Test func aPlanLocalityIsAProvinceOrACommuneOfThe2025List() {
        let localities = BundledData.localities
        #expect(PlanLocality(code: "01", in: localities) == .province("01"))
        if case .commune(_, let province)? = PlanLocality(code: "26080", in: localities) {
            #expect(province == "75")
        } else {
            Issue.record("Long Khánh (26080) is a commune of the 2025 list")
        }
        #expect(PlanLocality(code: "99", in: localities) == nil)
        #expect(PlanLocality(code: "1", in: localities) == nil)
        #expect(PlanRules.percent(done: 3, of: 2) == 100)
        #expect(PlanRules.percent(done: 1, of: 3) == 33)
    }
}
