import Foundation
import Hummingbird

/// Reads JSON request bodies: snake_case keys, and decoding failures as 400s naming the field.
enum RequestBody {
    static let maxBytes = 1024 * 1024

    /// The raw bytes (kept for idempotency digests) and the decoded value.
    /// With `allowEmpty`, an empty body reads as `{}`.
    static func decode<T: Decodable>(
        _ type: T.Type, from request: Request, allowEmpty: Bool = false
    ) async throws -> (T, [UInt8]) {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch {
            throw Problem(.contentTooLarge, "the body is larger than \(maxBytes) bytes")
        }
        var bytes = Array(buffer.readableBytesView)
        if allowEmpty && bytes.isEmpty { bytes = Array("{}".utf8) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return (try decoder.decode(T.self, from: Data(bytes)), bytes)
        } catch let DecodingError.keyNotFound(key, context) {
            throw Problem.badParameter(path(context.codingPath + [key]), "required")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw Problem.badParameter(path(context.codingPath), "wrong type: \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw Problem.badParameter(path(context.codingPath), context.debugDescription)
        } catch {
            // Foundation reports a number that does not fit its field (1.5 or 1e308 for a whole
            // number) as invalid JSON, naming nothing: find the number whose replacement cures it.
            if let field = misfitNumber(in: bytes, decoding: T.self, with: decoder) {
                throw Problem.badParameter(field, "a whole number in range")
            }
            throw Problem(.badRequest, "the body is not valid JSON")
        }
    }

    /// The path of the number that makes valid JSON undecodable as `T`, if one does.
    private static func misfitNumber<T: Decodable>(in bytes: [UInt8], decoding: T.Type, with decoder: JSONDecoder)
        -> String?
    {
        // Bounded: each candidate costs a decode, and the body is the client's.
        guard bytes.count <= 64 * 1024, let root = try? JSONSerialization.jsonObject(with: Data(bytes)) else { return nil }
        var candidates: [(path: String, replace: (Any) -> Any)] = []
        func visit(_ value: Any, _ path: String, _ rebuild: @escaping (Any) -> Any) {
            if let object = value as? [String: Any] {
                for (key, child) in object {
                    visit(child, path.isEmpty ? key : "\(path).\(key)") { replacement in
                        var copy = object
                        copy[key] = replacement
                        return rebuild(copy)
                    }
                }
            } else if let array = value as? [Any] {
                for (index, child) in array.enumerated() {
                    visit(child, "\(path)[\(index)]") { replacement in
                        var copy = array
                        copy[index] = replacement
                        return rebuild(copy)
                    }
                }
            } else if let number = value as? NSNumber {
                let double = number.doubleValue
                if double.rounded() != double || abs(double) >= 9.2e18 { candidates.append((path, rebuild)) }
            }
        }
        visit(root, "") { $0 }
        for candidate in candidates.prefix(8) {
            guard let cured = try? JSONSerialization.data(withJSONObject: candidate.replace(0)) else { continue }
            do {
                _ = try decoder.decode(T.self, from: cured)
                return candidate.path
            } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
                continue  // still the same failure: not this number
            } catch {
                return candidate.path  // this number was the misfit; what remains is another problem
            }
        }
        return nil
    }

    /// "lines[0].sku" from a coding path, in the snake_case the client wrote.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + snakeCase(key.stringValue)
            }
        }
        return text.isEmpty ? "(body)" : text
    }

    private static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// Encodes answers as snake_case JSON with sorted keys.
enum ResponseJSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func response(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.cacheControl] = fields[.cacheControl] ?? "no-store"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        response(try encode(value), status: status)
    }
}
