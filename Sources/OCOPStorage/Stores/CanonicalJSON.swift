import Foundation

/// A value's JSON with sorted keys: the same content always gives the same text, so a save can
/// tell "unchanged" by comparing strings, and the audit log keeps a readable before/after.
enum CanonicalJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
