public import OCOPDomain

/// A bearer token just issued: the token itself is only ever in this value, never stored.
public struct IssuedSession: Sendable {
    public let token: String
    public let expiresAt: Moment
    public let identity: StaffIdentity
}

/// What a login attempt came to.
public enum LoginOutcome: Sendable {
    case succeeded(IssuedSession)
    /// Unknown username, wrong password or disabled account: deliberately not told apart.
    case rejected
    /// Too many recent failures for this username; try again after this many seconds.
    case throttled(retryAfterSeconds: Int)
}
