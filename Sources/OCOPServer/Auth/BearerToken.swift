import Foundation
import Hummingbird

/// Reads the token of an `Authorization: Bearer <token>` header.
enum BearerToken {
    /// The token, nil without an `Authorization` header, or a 401 when the header is not a usable bearer token.
    static func token(in request: Request) throws(Problem) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw invalid("the Authorization header must be 'Bearer <token>'")
        }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { throw invalid("the bearer token is empty") }
        return token
    }

    /// A 401 problem that tells the client to log in again.
    static func invalid(_ detail: String) -> Problem {
        var problem = Problem(.unauthorized, detail)
        problem.headers[.wwwAuthenticate] = #"Bearer error="invalid_token""#
        return problem
    }
}
