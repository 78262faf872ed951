import OCOPDomain
import Yams

/// Reads typed fields out of one YAML document and records every problem with its line.
///
/// Each accessor returns nil after recording an issue, so a reader collects all the problems of a
/// file in one pass instead of stopping at the first.
final class YAMLFieldReader {
    let file: String
    private(set) var issues: [CatalogIssue] = []

    init(file: String) { self.file = file }

    func report(_ node: Node?, _ field: String, _ reason: String) {
        issues.append(CatalogIssue(file: file, line: node?.mark?.line ?? 1, field: field, reason: reason))
    }

    /// The keys of a mapping node; unknown keys are reported, as are missing required ones.
    func fields(_ node: Node?, at path: String, allowed: Set<String>, required: Set<String>) -> YAMLFields? {
        guard let node, case .mapping(let mapping) = node else {
            report(node, path.isEmpty ? "(document)" : path, "expected a mapping of keys")
            return nil
        }
        var values: [String: Node] = [:]
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            if !allowed.contains(key) {
                report(keyNode, join(path, key), "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))")
            } else if values[key] != nil {
                report(keyNode, join(path, key), "given twice")
            } else {
                values[key] = value
            }
        }
        for key in required.sorted() where values[key] == nil || values[key]?.isNullScalar == true {
            report(node, join(path, key), "required")
        }
        return YAMLFields(path: path, node: node, values: values, reader: self)
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

/// The fields of one mapping, with typed accessors that report to their reader.
struct YAMLFields {
    let path: String
    let node: Node
    let values: [String: Node]
    let reader: YAMLFieldReader

    func field(_ key: String) -> String { reader.join(path, key) }

    func node(_ key: String) -> Node? {
        guard let value = values[key], !value.isNullScalar else { return nil }
        return value
    }

    func has(_ key: String) -> Bool { node(key) != nil }

    /// A non-empty string, trimmed. Missing keys were reported by `fields` when required.
    func string(_ key: String) -> String? {
        guard let value = node(key) else { return nil }
        guard case .scalar(let scalar) = value else {
            reader.report(value, field(key), "expected text")
            return nil
        }
        let text = scalar.string.trimmingWhitespace
        if text.isEmpty {
            reader.report(value, field(key), "must not be empty")
            return nil
        }
        return text
    }

    func int(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = node(key), let text = string(key) else { return nil }
        guard let number = Int(text) else {
            reader.report(value, field(key), "expected a whole number, got '\(text)'")
            return nil
        }
        guard range.contains(number) else {
            reader.report(value, field(key), "\(number) is outside \(range.lowerBound)–\(range.upperBound)")
            return nil
        }
        return number
    }

    func double(_ key: String, in range: ClosedRange<Double>) -> Double? {
        guard let value = node(key), let text = string(key) else { return nil }
        guard let number = Double(text), range.contains(number) else {
            reader.report(value, field(key), "expected a number in \(Int(range.lowerBound))–\(Int(range.upperBound))")
            return nil
        }
        return number
    }

    func bool(_ key: String) -> Bool? {
        guard let value = node(key), let text = string(key) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            reader.report(value, field(key), "expected true or false")
            return nil
        }
    }

    func date(_ key: String) -> CalendarDate? {
        guard let value = node(key), let text = string(key) else { return nil }
        guard let date = CalendarDate(iso: text) else {
            reader.report(value, field(key), "expected a date YYYY-MM-DD, got '\(text)'")
            return nil
        }
        return date
    }

    /// A slug: lowercase ASCII letters, digits and single hyphens.
    func slug(_ key: String) -> String? {
        guard let value = node(key), let text = string(key) else { return nil }
        guard VietnameseText.isSlug(text) else {
            reader.report(value, field(key), "'\(text)' is not a slug (a–z, 0–9 and single hyphens)")
            return nil
        }
        return text
    }

    /// `{vi: …, en: …}` with `vi` required.
    func localized(_ key: String) -> LocalizedText? {
        guard let value = node(key) else { return nil }
        guard let text = reader.fields(value, at: field(key), allowed: ["vi", "en"], required: ["vi"]),
            let vi = text.string("vi")
        else { return nil }
        return LocalizedText(vi: vi, en: text.string("en"))
    }

    /// A sequence; each element is handed to `read` with its index path ("variants[2]").
    func list<T>(_ key: String, _ read: (Node, String) -> T?) -> [T]? {
        guard let value = node(key) else { return [] }
        guard case .sequence(let sequence) = value else {
            reader.report(value, field(key), "expected a list")
            return nil
        }
        var items: [T] = []
        var failed = false
        for (index, element) in sequence.enumerated() {
            if let item = read(element, "\(field(key))[\(index)]") { items.append(item) } else { failed = true }
        }
        return failed ? nil : items
    }
}

extension Node {
    var isNullScalar: Bool {
        guard case .scalar(let scalar) = self else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}
