import Foundation
import Hummingbird

/// Reports as CSV: the choice between JSON and CSV (`?format=` or `Accept: text/csv`), and
/// RFC 4180 text a spreadsheet opens safely.
struct CSVTable: Sendable {
    var header: [String]
    var rows: [[String]]

    /// Whether the caller asked for CSV: `format=csv|json` wins over `Accept: text/csv`.
    static func wanted(_ request: Request, format: String?) throws -> Bool {
        switch format {
        case nil: return request.headers[.accept]?.contains("text/csv") == true
        case "csv": return true
        case "json": return false
        default: throw Problem.badParameter("format", "json or csv")
        }
    }

    var text: String {
        ([header] + rows).map { $0.map(Self.field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// The table as a download named `filename`.
    func response(filename: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(filename)\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// RFC 4180 quoting, and a leading quote on text a spreadsheet would run as a formula.
    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first), Int(text) == nil { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
