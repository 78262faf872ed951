/// A calendar date without time or zone: certificate dates are days in Asia/Ho_Chi_Minh.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid date, or nil for something like 2025-02-30.
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The last date the service represents.
    public static let latest = CalendarDate(year: 9999, month: 12, day: 31)!

    /// Parses `YYYY-MM-DD` strictly.
    public init?(iso text: String) {
        // Bytes, not `split`: every stored date is parsed on each catalog load.
        var text = text
        let parsed: (Int, Int, Int)? = text.withUTF8 { bytes in
            guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
            return (y, m, d)
        }
        guard let (y, m, d) = parsed else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The date in Vietnam (UTC+7 all year, no daylight saving) at an instant.
    public init(inVietnamAt moment: Moment) {
        let localSeconds = moment.unixMilliseconds / 1000 + 7 * 3600
        let days = Int(localSeconds >= 0 ? localSeconds / 86400 : (localSeconds - 86399) / 86400)
        self = CalendarDate(daysSince1970: days)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let y = String(year)
        let m = month < 10 ? "0\(month)" : "\(month)"
        let d = day < 10 ? "0\(day)" : "\(day)"
        return "\(y)-\(m)-\(d)"
    }

    /// The same day `months` later; the 31st of a shorter month becomes its last day. Nil when that
    /// day falls outside the years a date may have (1900–9999), e.g. 36 months after 9999-06-01.
    public func adding(months: Int) -> CalendarDate? {
        // Months are bounded before the arithmetic: a caller's number must not overflow it.
        guard (-120_000...120_000).contains(months) else { return nil }
        let total = year * 12 + (month - 1) + months
        let y = total / 12
        let m = total % 12 + 1
        guard (1900...9999).contains(y) else { return nil }
        return CalendarDate(year: y, month: m, day: min(day, Self.daysIn(month: m, year: y)))
    }

    /// The last day of this date's month.
    public var lastDayOfMonth: CalendarDate {
        CalendarDate(year: year, month: month, day: Self.daysIn(month: month, year: year)) ?? self
    }

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSince1970: daysSince1970 + days)
    }

    /// The instant this day starts in Vietnam (00:00 UTC+7).
    public var startInVietnam: Moment {
        Moment(unixMilliseconds: Int64(daysSince1970 * 86400 - 7 * 3600) * 1000)
    }

    /// Days since 1970-01-01 (Howard Hinnant's days-from-civil).
    public var daysSince1970: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's civil-from-days).
    public init(daysSince1970 days: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
