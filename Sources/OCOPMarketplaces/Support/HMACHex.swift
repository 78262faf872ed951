import Crypto
import OCOPDomain

/// HMAC-SHA256 as the platforms print it: two hex digits per byte, always 64 digits.
package enum HMACHex {
    /// Hex of HMAC-SHA256(key, message) over the UTF-8 bytes of `key`.
    package static func sha256(key: String, message: some Sequence<UInt8>, uppercase: Bool = false) -> String {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: Array(key.utf8)))
        mac.update(data: Array(message))
        return hex(mac.finalize(), uppercase: uppercase)
    }

    /// Hex of HMAC-SHA256(key, UTF-8 of message).
    package static func sha256(key: String, message: String, uppercase: Bool = false) -> String {
        sha256(key: key, message: Array(message.utf8), uppercase: uppercase)
    }

    /// Two digits per byte.
    package static func hex(_ bytes: some Sequence<UInt8>, uppercase: Bool) -> String {
        HexDigits.string(bytes, uppercase: uppercase)
    }

    /// Constant-time comparison of two signatures, case-sensitive as the platforms compare them.
    package static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
