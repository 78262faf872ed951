public import Crypto
public import Foundation
import OCOPDomain

/// Seals marketplace credentials with AES-GCM under the service's secret key, so that the database
/// holds only an opaque blob (base64 of nonce ‖ ciphertext ‖ tag). The key comes from
/// `OCOP_SECRET_KEY` (base64 of 32 bytes) or a key file holding the same text.
public struct MarketplaceSecretBox: Sendable {
    private let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    /// A box from the base64 text of a 32-byte key; nil when the text is not that.
    public init?(base64Key: String) {
        guard let bytes = Data(base64Encoded: base64Key.trimmingCharacters(in: .whitespacesAndNewlines)),
            bytes.count == 32
        else { return nil }
        self.init(key: SymmetricKey(data: bytes))
    }

    /// The key from a file (`--secret-key-file`), else `OCOP_SECRET_KEY`; nil when neither is set.
    /// A key that is set but malformed is an error, never silently ignored.
    public static func configured(keyFile: String?, environment: [String: String]) throws -> MarketplaceSecretBox? {
        let text: String
        if let keyFile {
            text = try String(contentsOfFile: keyFile, encoding: .utf8)
        } else if let value = environment["OCOP_SECRET_KEY"] {
            text = value
        } else {
            return nil
        }
        guard let box = MarketplaceSecretBox(base64Key: text) else {
            throw DomainError.invalid(field: "OCOP_SECRET_KEY", "the secret key must be the base64 of 32 bytes")
        }
        return box
    }

    /// A fresh random key's base64 text (for `ocop` operators and tests).
    public static func newBase64Key() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    func seal(_ plaintext: [UInt8]) throws -> String {
        guard let combined = try AES.GCM.seal(plaintext, using: key).combined else {
            throw DomainError(.invalid, "could not seal the credentials")
        }
        return combined.base64EncodedString()
    }

    func open(_ sealed: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: sealed) else {
            throw DomainError(.invalid, "stored credentials are not base64")
        }
        do {
            return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key))
        } catch {
            // Never echo the blob or the key: only say that it does not open.
            throw DomainError(.invalid, "stored credentials do not open with this secret key")
        }
    }
}
