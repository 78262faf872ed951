import Foundation
public import OCOPDomain

/// Where the data lives: `sqlite:var/ocop.sqlite` (the embedded default) or `postgres://…`.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case sqliteFile(path: String)
        case sqliteMemory
        case postgres(url: String)
    }

    public let kind: Kind

    public init(_ text: String) throws(DomainError) {
        if text == "sqlite::memory:" {
            kind = .sqliteMemory
        } else if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }  // sqlite:///abs/path and sqlite://rel/path
            guard !path.isEmpty else { throw DomainError.invalid(field: "database", "sqlite: needs a file path") }
            kind = .sqliteFile(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            kind = .postgres(url: text)
        } else {
            throw DomainError.invalid(field: "database", "expected sqlite:PATH or postgres://…, got '\(text)'")
        }
    }

    /// The URL with any password hidden, safe to log.
    public var description: String {
        switch kind {
        case .sqliteFile(let path): return "sqlite:\(path)"
        case .sqliteMemory: return "sqlite::memory:"
        case .postgres(let url):
            guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://") else { return url }
            let userInfo = url[scheme.upperBound..<at]
            guard let colon = userInfo.firstIndex(of: ":") else { return url }
            return String(url[..<colon]) + ":***" + String(url[at...])
        }
    }
}
