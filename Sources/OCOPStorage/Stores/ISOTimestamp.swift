import Foundation
public import OCOPDomain

/// UTC timestamps as ISO 8601 text with milliseconds ("2026-11-22T21:37:51.123Z"), which sort as text.
public enum ISOTimestamp {
    public static func string(_ moment: Moment) -> String {
        let ms = moment.unixMilliseconds
        let days = Int(ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000)
        let date = CalendarDate(daysSince1970: days)
        let msOfDay = Int(ms - Int64(days) * 86_400_000)
        let h = msOfDay / 3_600_000
        let m = msOfDay / 60_000 % 60
        let s = msOfDay / 1000 % 60
        let milli = msOfDay % 1000
        func pad(_ v: Int, _ width: Int) -> String {
            let text = String(v)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(date)T\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(milli, 3))Z"
    }
}

extension ISOTimestamp {
    /// Reads an ISO 8601 timestamp with a zone ("2026-11-23T19:30:00+07:00", "…Z", with or
    /// without fractional seconds); nil for anything else.
    public static func moment(_ text: String) -> Moment? {
        if let stored = storedMoment(text) { return stored }
        guard hasRealZone(text) else { return nil }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions.insert(.withFractionalSeconds)
        guard let date = plain.date(from: text) ?? fractional.date(from: text) else { return nil }
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        // Checked before the conversion: Int64(_:) traps on a Double out of its range.
        guard milliseconds >= Double(Moment.earliest.unixMilliseconds), milliseconds <= Double(Moment.latest.unixMilliseconds)
        else { return nil }
        return Moment(unixMilliseconds: Int64(milliseconds))
    }

    /// The shape `string(_:)` writes ("2026-11-22T21:37:51.123Z"), read by hand: pages show
    /// hundreds of stored timestamps, and a Foundation formatter costs about 0.3 ms to make.
    static func storedMoment(_ text: String) -> Moment? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z"),
            let day = CalendarDate(iso: String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            let milli = number(20..<23), hour < 24, minute < 60, second < 60
        else { return nil }
        let seconds = Int64(day.daysSince1970) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Moment(unixMilliseconds: seconds * 1000 + Int64(milli))
    }

    /// "Z", or an offset ±HH:MM that exists (at most ±14:00; the formatter takes "+99:99").
    private static func hasRealZone(_ text: String) -> Bool {
        if text.hasSuffix("Z") { return true }
        let tail = Array(text.utf8.suffix(6))
        guard tail.count == 6, tail[0] == UInt8(ascii: "+") || tail[0] == UInt8(ascii: "-"), tail[3] == UInt8(ascii: ":")
        else { return false }
        let digits = [tail[1], tail[2], tail[4], tail[5]].map { Int($0) - Int(UInt8(ascii: "0")) }
        guard digits.allSatisfy({ (0...9).contains($0) }) else { return false }
        let hours = digits[0] * 10 + digits[1]
        let minutes = digits[2] * 10 + digits[3]
        return minutes < 60 && (hours < 14 || (hours == 14 && minutes == 0))
    }
}
