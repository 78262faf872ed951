/// Stall codes as printed on a fair's map: a zone letter (or a few letters and digits), a hyphen and
/// a number, e.g. "A-12" or "B2-07". Ranges like "A-01…A-50" expand to every code between.
public enum StallCode {
    /// The most stalls one bulk creation may add (Festival OCOP Việt Nam 2025 had 220 booths).
    public static let maxBulk = 500

    /// Upper-case letters or digits (1–4), a hyphen, then 1–4 digits.
    public static func isValid(_ code: String) -> Bool {
        guard let (prefix, number) = split(code) else { return false }
        return !number.isEmpty && number.count <= 4
            && number.unicodeScalars.allSatisfy { ("0"..."9").contains($0) } && !prefix.isEmpty && prefix.count <= 4
            && prefix.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// Every code from `first` to `last` with the same prefix, keeping the zero padding of `first`
    /// ("A-01", "A-50" → A-01 … A-50). Nil when the two do not form a range or it is too long.
    public static func range(from first: String, to last: String) -> [String]? {
        guard isValid(first), isValid(last), let (prefix, start) = split(first), let (lastPrefix, end) = split(last),
            prefix == lastPrefix, let low = Int(start), let high = Int(end), low <= high, high - low < maxBulk
        else { return nil }
        let width = start.count
        return (low...high).map { number in
            let digits = String(number)
            return prefix + "-" + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
    }

    /// The point slug that carries a stall's stock on the ledger: "<fair>-gian-<code>" in lower case.
    /// ("gian hàng" is a stall. Slugs may not hold "--", so the word keeps fair and code apart.)
    public static func pointSlug(fair: String, code: String) -> String {
        fair + "-gian-" + code.lowercased()
    }

    private static func split(_ code: String) -> (String, String)? {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        return (String(parts[0]), String(parts[1]))
    }
}
