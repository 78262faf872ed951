import OCOPDomain
import Testing

/// Arithmetic on numbers a client or a remote sends cannot trap (issue 17).
@Suite struct BoundsTests {
    @Test func unixSecondsOutsideTheCalendarAreRefused() {
        #expect(Moment(unixSeconds: .max) == nil)
        #expect(Moment(unixSeconds: .min) == nil)
        #expect(Moment(unixSeconds: 253_402_300_800) == nil)  // 10000-01-01
        #expect(Moment(unixSeconds: 253_402_300_799)?.unixMilliseconds == 253_402_300_799_000)
        #expect(Moment(unixSeconds: 1_790_000_000)?.unixMilliseconds == 1_790_000_000_000)
    }

    @Test func addingAnySecondsStaysWithinTheCalendar() {
        let now = Moment(unixMilliseconds: 1_790_000_000_000)
        #expect(now.adding(seconds: .max) == Moment.latest)
        #expect(now.adding(seconds: .min) == Moment.earliest)
        #expect(Moment.latest.adding(seconds: 60) == Moment.latest)
        #expect(now.adding(seconds: 30).unixMilliseconds == 1_790_000_030_000)
    }

    @Test func monthsPastTheLastYearAreNil() {
        let late = CalendarDate(year: 9999, month: 6, day: 1)!
        #expect(late.adding(months: 36) == nil)
        #expect(late.adding(months: .max) == nil)
        #expect(late.adding(months: .min) == nil)
        #expect(late.adding(months: 6) == CalendarDate(year: 9999, month: 12, day: 1))
        #expect(CalendarDate(year: 2026, month: 1, day: 31)!.adding(months: 1) == CalendarDate(year: 2026, month: 2, day: 28))
        #expect(CalendarDate(year: 9999, month: 12, day: 5)!.lastDayOfMonth == CalendarDate.latest)
    }

    @Test func aCertificateTooLateForItsValidityNamesIssuedOn() {
        let certificate = Certificate(
            number: "1/GCN", decisionNumber: "1/QĐ", authority: "UBND", stars: StarRating(4)!, score: 75,
            issuedOn: CalendarDate(year: 9999, month: 6, day: 1)!)
        #expect(certificate.problems().map(\.field).contains("issued_on"))
    }
}
