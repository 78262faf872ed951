/// An error a domain rule raises, with a code that the server maps to an HTTP status in one place.
public struct DomainError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of rule was broken; a struct over a private enum so new codes do not break callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalid, notFound, conflict, forbidden, unauthorized, precondition, throttled
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Well-formed input that breaks a rule (HTTP 422 / 400).
        public static let invalid = Code(.invalid)
        /// The thing does not exist or is not public (HTTP 404).
        public static let notFound = Code(.notFound)
        /// The change conflicts with the current state (HTTP 409).
        public static let conflict = Code(.conflict)
        /// Outside the caller's scope (HTTP 403).
        public static let forbidden = Code(.forbidden)
        /// No or expired credentials (HTTP 401).
        public static let unauthorized = Code(.unauthorized)
        /// A precondition failed (HTTP 412 / 428).
        public static let precondition = Code(.precondition)
        /// Too many attempts (HTTP 429).
        public static let throttled = Code(.throttled)

        public var description: String { base.rawValue }
    }

    /// One field-level problem: which field, and why.
    public struct FieldIssue: Hashable, Sendable, Codable {
        public var field: String
        public var reason: String
        public init(field: String, reason: String) {
            self.field = field
            self.reason = reason
        }
    }

    public var code: Code
    public var message: String
    public var issues: [FieldIssue]

    public init(_ code: Code, _ message: String, issues: [FieldIssue] = []) {
        self.code = code
        self.message = message
        self.issues = issues
    }

    /// An invalid-input error naming one field.
    public static func invalid(field: String, _ reason: String) -> DomainError {
        DomainError(.invalid, "\(field): \(reason)", issues: [FieldIssue(field: field, reason: reason)])
    }

    public var description: String { "\(code): \(message)" }

    /// The message with each field's reason, for a person to read on a page.
    public var explanation: String {
        let named = issues.filter { !message.hasPrefix($0.field + ":") }
        guard !named.isEmpty else { return message }
        return message + " (" + named.map { "\($0.field): \($0.reason)" }.joined(separator: "; ") + ")"
    }
}
