import OCOPDomain
import Testing

@Suite struct FairTests {
    static let fair = Fair(
        slug: "tuan-hang-ocop-tuyen-quang", kind: .goodsWeek, name: "Tuần hàng OCOP Tuyên Quang",
        venue: "Quảng trường Nguyễn Tất Thành", provinceCode: "08", opensOn: CalendarDate(iso: "2026-11-25")!,
        closesOn: CalendarDate(iso: "2026-11-29")!, dailyHours: "08:00–22:00", organiser: "Sở Công Thương")

    /// 2026-11-29 23:30 in Vietnam is 16:30 UTC; 2026-11-30 00:30 is 17:30 UTC on the 29th.
    static func vietnam(_ day: String, _ hour: Int, _ minute: Int) -> Moment {
        Moment(
            unixMilliseconds: CalendarDate(iso: day)!.startInVietnam.unixMilliseconds
                + Int64(hour * 3600 + minute * 60) * 1000)
    }

    @Test func statusFollowsTheDaysInVietnam() {
        #expect(Self.fair.status(on: CalendarDate(iso: "2026-11-24")!) == .planned)
        #expect(Self.fair.status(on: CalendarDate(iso: "2026-11-25")!) == .open)
        #expect(Self.fair.status(on: CalendarDate(iso: "2026-11-29")!) == .open)
        #expect(Self.fair.status(on: CalendarDate(iso: "2026-11-30")!) == .closed)
    }

    @Test func anExplicitCloseEndsTheFairBeforeItsLastDay() {
        var closed = Self.fair
        closed.closedAt = "2026-11-27T10:00:00.000Z"
        #expect(closed.status(on: CalendarDate(iso: "2026-11-26")!) == .closed)
        #expect(!closed.acceptsSales(at: Self.vietnam("2026-11-26", 12, 0)))
    }

    @Test func aSaleAtHalfPastElevenOnTheLastDayIsInAndHalfPastMidnightIsOut() {
        let lateOnLastDay = Self.vietnam("2026-11-29", 23, 30)
        let afterMidnight = Self.vietnam("2026-11-30", 0, 30)
        // Both are on 2026-11-29 in UTC: only the Vietnamese day tells them apart.
        #expect(lateOnLastDay.unixMilliseconds / 86_400_000 == afterMidnight.unixMilliseconds / 86_400_000)
        #expect(Self.fair.acceptsSales(at: lateOnLastDay))
        #expect(!Self.fair.acceptsSales(at: afterMidnight))
        #expect(!Self.fair.acceptsSales(at: Self.vietnam("2026-11-24", 23, 59)))
        #expect(Self.fair.acceptsSales(at: Self.vietnam("2026-11-25", 0, 0)))
    }

    @Test func aRangeOfStallCodesKeepsItsPaddingAndPrefix() {
        let codes = StallCode.range(from: "A-01", to: "A-50")
        #expect(codes?.count == 50)
        #expect(codes?.first == "A-01")
        #expect(codes?[8] == "A-09")
        #expect(codes?.last == "A-50")
        #expect(StallCode.range(from: "B2-7", to: "B2-12") == ["B2-7", "B2-8", "B2-9", "B2-10", "B2-11", "B2-12"])
    }

    @Test func rangesThatMixPrefixesRunBackwardsOrAreTooLongAreRefused() {
        #expect(StallCode.range(from: "A-01", to: "B-10") == nil)
        #expect(StallCode.range(from: "A-10", to: "A-01") == nil)
        #expect(StallCode.range(from: "A-0001", to: "A-9999") == nil)
        #expect(StallCode.range(from: "a-01", to: "a-05") == nil)
        #expect(!StallCode.isValid("A12"))
        #expect(!StallCode.isValid("A-"))
        #expect(StallCode.isValid("VIP-3"))
    }

    @Test func aStallsLedgerPointHasAValidSlug() {
        let slug = StallCode.pointSlug(fair: Self.fair.slug, code: "A-12")
        #expect(slug == "tuan-hang-ocop-tuyen-quang-gian-a-12")
        #expect(VietnameseText.isSlug(slug))
    }
}
