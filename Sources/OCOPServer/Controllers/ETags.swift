import Foundation

extension HTTPHelpers {
    /// Whether an `If-None-Match` list names the ETag (weak comparison, as RFC 9110 asks for GET).
    static func matches(_ ifNoneMatch: String, _ etag: String) -> Bool {
        let bare = etag.hasPrefix("W/") ? String(etag.dropFirst(2)) : etag
        return ifNoneMatch.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || trimmed == bare || trimmed == "W/" + bare
        }
    }

    /// A quoted strong ETag from a 64-bit FNV-1a digest of the parts.
    static func etag(_ parts: String...) -> String {
        var digest = ETagDigest()
        for part in parts { digest.add(part) }
        return digest.etag
    }
}


/// Builds an ETag from parts without joining them into one string first (product pages build one
/// per request): a 64-bit FNV-1a digest, each part followed by a separator.
struct ETagDigest {
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ part: String) {
        for byte in part.utf8 { mix(byte) }
        mix(0x1F)
    }

    /// Bytes of a document part, as they are.
    mutating func add(bytes: [UInt8]) {
        for byte in bytes { mix(byte) }
        mix(0x1F)
    }

    /// A number, by its decimal digits: the same digest as `add(String(number))`.
    mutating func add(_ number: Int) {
        if number < 0 { mix(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var count = 0
            var rest = number.magnitude
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            for index in stride(from: count - 1, through: 0, by: -1) { mix(digits[index]) }
        }
        mix(0x1F)
    }

    var etag: String { "\"" + String(hash, radix: 36) + "\"" }

    private mutating func mix(_ byte: UInt8) {
        hash ^= UInt64(byte)
        hash &*= 0x100_0000_01b3
    }
}
