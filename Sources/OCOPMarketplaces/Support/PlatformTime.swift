import OCOPDomain

/// Times as the platforms write them: `2026-11-22 12:00:00 +0700` in answers (Lazada), ISO 8601
/// with an offset in requests.
enum PlatformTime {
    /// Requests are written in Vietnam time, as a Vietnamese seller's are.
    static func iso(_ seconds: Int64) -> String {
        let local = seconds + 7 * 3_600
        let days = Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
        let rest = Int(local - Int64(days) * 86_400)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(CalendarDate(daysSince1970: days))T\(two(rest / 3_600)):\(two(rest / 60 % 60)):\(two(rest % 60))+07:00"
    }

    /// `YYYY-MM-DD HH:MM:SS ±HHMM` or `YYYY-MM-DDTHH:MM:SS±HH:MM`, as Unix seconds; nil otherwise.
    static func seconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        // Digits where digits belong, and the separators of `YYYY-MM-DD HH:MM:SS`, before any number is read.
        let isDigit = { (byte: UInt8) in byte >= 48 && byte <= 57 }
        guard bytes.count >= 19, bytes.count <= 32,
            [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18].allSatisfy({ isDigit(bytes[$0]) }),
            bytes[4] == 45, bytes[7] == 45, bytes[10] == 32 || bytes[10] == 84, bytes[13] == 58, bytes[16] == 58,
            let day = CalendarDate(iso: String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var offset = 0
        let zone = String(decoding: bytes[19...], as: UTF8.self).trimmingWhitespace.replacing(":", with: "")
        if zone == "Z" || zone.isEmpty {
            offset = 0
        } else {
            guard zone.utf8.count == 5, let sign = zone.first, sign == "+" || sign == "-",
                zone.utf8.dropFirst().allSatisfy(isDigit), let hhmm = Int(zone.dropFirst()), hhmm / 100 < 15, hhmm % 100 < 60
            else { return nil }
            offset = (sign == "-" ? -1 : 1) * (hhmm / 100 * 3_600 + hhmm % 100 * 60)
        }
        return Int64(day.daysSince1970) * 86_400 + Int64(hour * 3_600 + minute * 60 + second - offset)
    }
}
