package import OCOPMarketplaces

/// A request as the fake received it: the raw bytes the signature must be recomputed from.
package struct FakeRequest: Sendable {
    package let method: String
    package let path: String
    /// The query string exactly as sent (still percent-encoded).
    package let rawQuery: String
    /// Header names in lowercase.
    package let headers: [String: String]
    package let body: [UInt8]

    /// Query parameters, decoded, in the order sent.
    package var query: [(String, String)] { FormEncoding.decode(rawQuery) }

    package func queryValue(_ name: String) -> String? { query.first { $0.0 == name }?.1 }

    package func header(_ name: String) -> String? { headers[name.lowercased()] }

    package var contentType: String { header("content-type") ?? "" }

    /// Form-urlencoded body parameters, decoded.
    package var form: [(String, String)] {
        contentType.hasPrefix("application/x-www-form-urlencoded")
            ? FormEncoding.decode(String(decoding: body, as: UTF8.self)) : []
    }

    package var json: JSONValue? { JSONBody.decode(body) }

    /// The parts of a multipart/form-data body.
    package var multipart: [MultipartPart] {
        guard let range = contentType.firstRange(of: "boundary=") else { return [] }
        var boundary = String(contentType[range.upperBound...])
        if let semicolon = boundary.firstIndex(of: ";") { boundary = String(boundary[..<semicolon]) }
        boundary = boundary.trimmingCharacters(in: "\"")
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [MultipartPart] = []
        for chunk in body.split(separator: delimiter) {
            guard let headerEnd = chunk.firstRange(of: Array("\r\n\r\n".utf8)) else { continue }
            let head = String(decoding: chunk[chunk.startIndex..<headerEnd.lowerBound], as: UTF8.self)
            var content = Array(chunk[headerEnd.upperBound...])
            if content.suffix(2) == [13, 10] { content.removeLast(2) }
            guard let name = Self.attribute("name", in: head) else { continue }
            parts.append(MultipartPart(name: name, fileName: Self.attribute("filename", in: head), content: content))
        }
        return parts
    }

    private static func attribute(_ name: String, in head: String) -> String? {
        guard let range = head.firstRange(of: " \(name)=\"") else { return nil }
        let rest = head[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}

/// One part of a multipart body.
package struct MultipartPart: Sendable {
    package let name: String
    package let fileName: String?
    package let content: [UInt8]
}

/// What a fake answers.
package struct FakeReply: Sendable {
    package var status: Int
    package var headers: [(String, String)]
    package var body: [UInt8]

    package init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer; `object` is built from dictionaries, arrays, strings and numbers.
    package static func json(_ status: Int, _ object: Any, headers: [(String, String)] = []) -> FakeReply {
        FakeReply(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: JSONBody.encode(object))
    }
}

extension Array where Element == UInt8 {
    fileprivate func split(separator: [UInt8]) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var rest = self[...]
        while let range = rest.firstRange(of: separator) {
            pieces.append(rest[rest.startIndex..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        pieces.append(rest)
        return pieces
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
