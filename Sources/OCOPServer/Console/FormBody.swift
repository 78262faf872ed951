import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body, as a browser's form sends it: fields in order,
/// a name may repeat (one per sale line), `+` is a space.
struct FormBody: Sendable {
    let fields: [(name: String, value: String)]
    /// The body as received: what an idempotency key's request digest is made of.
    let bytes: [UInt8]

    /// A count sheet of 1,000 batches is about 80 KB.
    static let maxBytes = 256 * 1024

    static func read(_ request: Request) async throws -> FormBody {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw Problem(.unsupportedMediaType, "a form (application/x-www-form-urlencoded) is expected")
        }
        let buffer = try await request.body.collect(upTo: maxBytes)
        let bytes = Array(buffer.readableBytesView)
        return try FormBody(bytes: bytes)
    }

    init(bytes: [UInt8]) throws {
        self.bytes = bytes
        var fields: [(String, String)] = []
        for item in bytes.split(separator: UInt8(ascii: "&")).prefix(5000) {
            let pair = item.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: ArraySlice<UInt8>) throws -> String {
                let text = String(decoding: part, as: UTF8.self).replacingOccurrences(of: "+", with: " ")
                guard let decoded = text.removingPercentEncoding else {
                    throw Problem.badParameter(String(decoding: pair[0], as: UTF8.self), "not valid form encoding")
                }
                return decoded
            }
            fields.append((try decode(pair[0]), pair.count > 1 ? try decode(pair[1]) : ""))
        }
        self.fields = fields
    }

    /// The body without its `csrf` field: what a form's idempotency digest is made of. The token
    /// belongs to the session, not to the write, so a sale kept on the tablet and sent after the
    /// same person signs in again (a new token) is still recognised as the same sale.
    var bytesWithoutCSRF: [UInt8] {
        let csrf = Array("csrf=".utf8)
        let items = bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false)
            .filter { !$0.starts(with: csrf) }
        return Array(items.joined(separator: [UInt8(ascii: "&")]))
    }

    subscript(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }
}
