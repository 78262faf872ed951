import OCOPDomain
import Testing

@Suite struct CalendarDateTests {
    @Test func parsesOnlyRealDates() {
        #expect(CalendarDate(iso: "2025-02-28")?.description == "2025-02-28")
        #expect(CalendarDate(iso: "2025-02-29") == nil)
        #expect(CalendarDate(iso: "2024-02-29") != nil)
        #expect(CalendarDate(iso: "2025-2-3") == nil)
        #expect(CalendarDate(iso: "tomorrow") == nil)
        // Only digits in each part: no signs, spaces or other separators.
        #expect(CalendarDate(iso: "2025-+1-05") == nil)
        #expect(CalendarDate(iso: "2025-01- 5") == nil)
        #expect(CalendarDate(iso: "2025/01/05") == nil)
        #expect(CalendarDate(iso: "2025-01-05 ") == nil)
        #expect(CalendarDate(iso: "202٥-01-05") == nil)
    }

    @Test func theDayInVietnamTurnsAtFivePMUTC() {
        // 2026-11-22T16:59:59Z is 23:59:59 in Hanoi; one second later it is the 23rd there.
        let before = Moment(unixMilliseconds: 1_795_366_799_000)
        #expect(CalendarDate(inVietnamAt: before).description == "2026-11-22")
        #expect(CalendarDate(inVietnamAt: before.adding(seconds: 1)).description == "2026-11-23")
    }

    @Test func startOfDayRoundTrips() {
        let day = CalendarDate(iso: "2027-12-18")!
        #expect(CalendarDate(inVietnamAt: day.startInVietnam) == day)
        #expect(CalendarDate(inVietnamAt: day.startInVietnam.adding(seconds: -1)) == day.adding(days: -1))
        #expect(CalendarDate(daysSince1970: day.daysSince1970) == day)
    }
}
