import Foundation
import Hummingbird
import OCOPDomain

/// Reading a request: the language asked for and the query parameters. (ETags are in
/// `ETags.swift`, answers with them in `CachedAnswer.swift`.)
enum HTTPHelpers {
    /// `?lang=` wins, then the best of `Accept-Language`; Vietnamese by default.
    static func language(_ request: Request) throws(Problem) -> Language {
        try language(RequestView(request))
    }

    static func language(_ request: RequestView) throws(Problem) -> Language {
        if let asked = request.query.get("lang") {
            guard let language = Language(rawValue: asked) else {
                throw .badParameter("lang", "one of vi, en")
            }
            return language
        }
        guard let header = request.acceptLanguage else { return .vi }
        var best: (language: Language, q: Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { continue }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary) else { continue }
            var q = 1.0
            for piece in pieces.dropFirst() where piece.hasPrefix("q=") { q = Double(piece.dropFirst(2)) ?? 0 }
            if q > (best?.q ?? 0) { best = (language, q) }
        }
        return best?.language ?? .vi
    }

    /// The query parameters as a dictionary; a parameter given twice is a 400.
    static func parameters(_ request: Request) throws(Problem) -> [String: String] {
        try parameters(RequestView(request))
    }

    static func parameters(_ request: RequestView) throws(Problem) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in request.query {
            let name = String(key)
            guard result[name] == nil else { throw .badParameter(name, "given more than once") }
            result[name] = String(value)
        }
        return result
    }
}
