import OCOPDomain
import OCOPStorage

/// How the showroom writes numbers, money and dates for people: the Vietnamese way in Vietnamese
/// ("250.000 ₫", "05/01/2027"), the English way in English ("250,000 ₫", "5 Jan 2027").
enum ShowroomFormat {
    /// Whole đồng with thousands grouped: "1.250.000 ₫" (vi), "1,250,000 ₫" (en).
    static func price(_ vnd: Int, _ language: Language) -> String {
        grouped(vnd, separator: language == .vi ? "." : ",") + " ₫"
    }

    /// A price range as shown in lists: one price when both ends are equal.
    static func priceRange(_ low: Int, _ high: Int, _ language: Language) -> String {
        low == high ? price(low, language) : price(low, language) + " – " + price(high, language)
    }

    static func grouped(_ number: Int, separator: String) -> String {
        let digits = Array(String(number.magnitude))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text += separator }
            text.append(digit)
        }
        return number < 0 ? "-" + text : text
    }

    private static let englishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "ngày 05/01/2027" is how a Vietnamese certificate writes it; the page shows "05/01/2027".
    static func date(_ day: CalendarDate, _ language: Language) -> String {
        switch language {
        case .vi: twoDigits(day.day) + "/" + twoDigits(day.month) + "/" + String(day.year)
        case .en: "\(day.day) \(englishMonths[day.month - 1]) \(day.year)"
        }
    }

    /// A stored ISO timestamp (UTC) as Vietnam's local time: "19:30 05/01/2027".
    static func localTime(_ iso: String, _ language: Language) -> String {
        guard let moment = ISOTimestamp.moment(iso) else { return iso }
        // Moments are bounded (0001–9999), so this cannot overflow.
        let local = moment.unixMilliseconds / 1000 + 7 * 3600
        let (days, seconds) = (local.floorDiv(86400), local - local.floorDiv(86400) * 86400)
        let day = CalendarDate(daysSince1970: Int(days))
        let minutes = Int(seconds) / 60
        return twoDigits(minutes / 60) + ":" + twoDigits(minutes % 60) + " " + date(day, language)
    }

    /// A stored ISO timestamp (UTC) as the clock on a wall in Vietnam: "19:30:05".
    static func localClock(_ iso: String) -> String {
        guard let moment = ISOTimestamp.moment(iso) else { return iso }
        let local = moment.unixMilliseconds / 1000 + 7 * 3600
        let seconds = Int(local - local.floorDiv(86400) * 86400)
        return twoDigits(seconds / 3600) + ":" + twoDigits(seconds / 60 % 60) + ":" + twoDigits(seconds % 60)
    }

    private static func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : String(number) }

    /// "★★★★☆" for 4 of 5 stars.
    static func stars(_ count: Int) -> String {
        String(repeating: "★", count: max(0, min(count, 5))) + String(repeating: "☆", count: max(0, 5 - count))
    }
}

extension Int64 {
    /// Division rounding towards minus infinity (dates before 1970 fall on the right day).
    fileprivate func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
