import Crypto
import Foundation
import Hummingbird
import OCOPDomain

/// A `multipart/form-data` body, as a browser sends a form with a file: its text fields (as a
/// `FormBody`, for the CSRF check and the idempotency digest) and at most one file.
struct MultipartForm: Sendable {
    struct File: Sendable {
        var fieldName: String
        var fileName: String
        var bytes: [UInt8]
    }

    let fields: FormBody
    let file: File?

    /// Reads at most `maxFileBytes` of file and 64 KB of everything else.
    static func read(_ request: Request, maxFileBytes: Int) async throws -> MultipartForm {
        let type = request.headers[.contentType] ?? ""
        guard type.lowercased().hasPrefix("multipart/form-data"), let boundary = boundary(in: type) else {
            throw Problem(.unsupportedMediaType, "a form with a file (multipart/form-data) is expected")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxFileBytes + 64 * 1024)
        } catch {
            throw DossierFiles.tooLarge
        }
        return try parse(Array(buffer.readableBytesView), boundary: boundary)
    }

    static func parse(_ body: [UInt8], boundary: String) throws -> MultipartForm {
        let delimiter = Array("--\(boundary)".utf8)
        // Every part starts after "--boundary\r\n" and ends before "\r\n--boundary".
        var starts: [Int] = []
        var index = 0
        while let found = search(delimiter, in: body, upTo: body.count, from: index) {
            starts.append(found)
            index = found + delimiter.count
            // A form of ours has a few fields and one file: more parts is not one of ours.
            guard starts.count <= maxParts else { throw Problem.badParameter("body", "more than \(maxParts) parts") }
        }
        guard starts.count >= 2 else { throw Problem.badParameter("body", "not a multipart form") }
        var fields: [(name: String, value: String)] = []
        var encoded: [String] = []
        var file: File?
        for (start, end) in zip(starts, starts.dropFirst()) {
            let partStart = start + delimiter.count + 2  // past "\r\n"
            let partEnd = end - 2  // before "\r\n"
            // The headers end inside the part, and the content starts no later than the part's end.
            guard partStart <= partEnd,
                let headerEnd = search(Array("\r\n\r\n".utf8), in: body, upTo: partEnd, from: partStart),
                headerEnd + 4 <= partEnd
            else { continue }
            let headers = String(decoding: body[partStart..<headerEnd], as: UTF8.self)
            let content = Array(body[(headerEnd + 4)..<partEnd])
            guard let name = parameter("name", in: headers) else { continue }
            if let fileName = parameter("filename", in: headers) {
                guard file == nil else { throw Problem.badParameter(name, "one file at a time") }
                file = File(fieldName: name, fileName: fileName, bytes: content)
                // The file's digest stands in the form's fields, so a form sent again with another
                // file is another write, not a replay of the first.
                encoded.append("file_sha256=" + HexDigits.string(SHA256.hash(data: content)))
            } else {
                guard content.count <= 16 * 1024, fields.count < 100 else { throw Problem.badParameter(name, "too long") }
                let value = String(decoding: content, as: UTF8.self)
                fields.append((name, value))
                let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
                encoded.append(
                    (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") + "="
                        + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""))
            }
        }
        // The text fields as a urlencoded body, so the form's CSRF and idempotency checks apply as they are.
        let form = try FormBody(bytes: Array(encoded.joined(separator: "&").utf8))
        return MultipartForm(fields: form, file: file)
    }

    private static func boundary(in contentType: String) -> String? {
        guard let range = contentType.range(of: "boundary=", options: .caseInsensitive) else { return nil }
        var value = String(contentType[range.upperBound...])
        if let semicolon = value.firstIndex(of: ";") { value = String(value[..<semicolon]) }
        value = value.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        return (1...70).contains(value.utf8.count) ? value : nil
    }

    /// `name="value"` in a part's Content-Disposition.
    private static func parameter(_ key: String, in headers: String) -> String? {
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            for piece in line.split(separator: ";").dropFirst() {
                let pair = piece.trimmingCharacters(in: .whitespaces)
                guard pair.hasPrefix(key + "=") else { continue }
                return String(pair.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    static let maxParts = 50

    /// Where `needle` first lies wholly within `haystack[start..<end]`.
    private static func search(_ needle: [UInt8], in haystack: [UInt8], upTo end: Int, from start: Int) -> Int? {
        let end = min(end, haystack.count)
        guard !needle.isEmpty, start >= 0, end - start >= needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = end - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
