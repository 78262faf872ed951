import Foundation

/// JSON bodies built once and sent (and signed) as those exact bytes.
package enum JSONBody {
    /// Serialises `object` with sorted keys and unescaped slashes; Vietnamese text stays UTF-8.
    package static func encode(_ object: Any) -> [UInt8] {
        guard JSONSerialization.isValidJSONObject(object),
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { preconditionFailure("not a JSON object: \(object)") }
        return Array(data)
    }

    /// The same, as a string (for JSON travelling inside a form parameter).
    package static func encodeString(_ object: Any) -> String {
        String(decoding: encode(object), as: UTF8.self)
    }

    /// Parses a JSON document; nil when the bytes are not JSON.
    package static func decode(_ bytes: [UInt8]) -> JSONValue? {
        guard !bytes.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        else { return nil }
        return JSONValue(object)
    }
}

/// Read access to a parsed JSON value, tolerant of the number/string mix the platforms send.
package struct JSONValue {
    package let raw: Any?

    package init(_ raw: Any?) { self.raw = raw }

    package subscript(key: String) -> JSONValue {
        JSONValue((raw as? [String: Any])?[key])
    }

    package subscript(index: Int) -> JSONValue {
        guard let array = raw as? [Any], array.indices.contains(index) else { return JSONValue(nil) }
        return JSONValue(array[index])
    }

    package var array: [JSONValue] { (raw as? [Any])?.map(JSONValue.init) ?? [] }
    package var object: [String: Any]? { raw as? [String: Any] }
    package var exists: Bool { raw != nil && !(raw is NSNull) }

    /// A string, or a number printed without a fraction (ids arrive as either).
    package var string: String? {
        switch raw {
        case let text as String: text
        case let whole as Int64: "\(whole)"
        case let number as Double: "\(number)"
        default: nil
        }
    }

    package var int: Int? {
        switch raw {
        case let text as String: Int(text)
        case let number as NSNumber: number.intValue
        default: nil
        }
    }

    package var double: Double? {
        switch raw {
        case let text as String: Double(text)
        case let number as NSNumber: number.doubleValue
        default: nil
        }
    }

    package var bool: Bool? {
        switch raw {
        case let flag as Bool: flag
        case let number as NSNumber: number.intValue != 0
        case let text as String: text == "true" || text == "1"
        default: nil
        }
    }
}
