import Foundation
public import Hummingbird
public import OCOPDomain

/// The request context of every route: the core storage plus the authenticated caller, if any.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the bearer-token middleware when the request carries a valid token.
    public var identity: StaffIdentity?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The caller, or a 401 problem when the request has no valid token.
    public func requireIdentity() throws(Problem) -> StaffIdentity {
        guard let identity else {
            var problem = Problem(.unauthorized, "a bearer token is required: POST /v1/auth/login")
            problem.headers[.wwwAuthenticate] = "Bearer"
            throw problem
        }
        return identity
    }

    /// The caller, who must be allowed to act on the point; 401 without a token, 403 outside scope.
    public func requirePointScope(_ slug: String) throws(Problem) -> StaffIdentity {
        let identity = try requireIdentity()
        guard identity.canManagePoint(slug) else {
            throw Problem(.forbidden, "\(identity.username) may not act on point '\(slug)'")
        }
        return identity
    }

    /// The caller, who must be an admin.
    public func requireAdmin() throws(Problem) -> StaffIdentity {
        let identity = try requireIdentity()
        guard identity.isAdmin else { throw Problem(.forbidden, "only the programme office (admin) may do this") }
        return identity
    }
}

extension RequestContext {
    /// A path parameter as the client meant it: percent-decoded (`c%C3%A0` is `cà`), so that lookups
    /// and the problems that echo it use the text, not its encoding.
    public func pathValue(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// A positive id from the path, or a 404 naming what was looked for (`what`).
    func pathID(_ name: String, _ what: String) throws -> Int {
        let text = try pathValue(name)
        guard text.utf8.count <= 18, let id = Int(text), id > 0 else { throw Problem.notFound("no \(what) '\(text)'") }
        return id
    }
}
