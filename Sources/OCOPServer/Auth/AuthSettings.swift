public import OCOPDomain

/// How staff authentication behaves; the defaults suit production, tests lower the bcrypt cost.
public struct AuthSettings: Sendable {
    /// How long a bearer token lives after login.
    public var tokenLifetime: Duration = .seconds(12 * 3600)
    /// Bcrypt work factor for new password hashes (4…31).
    public var bcryptCost: UInt8 = 11
    /// Failed logins for one username allowed within `throttleWindow` before answering 429.
    public var maxFailedLogins = 5
    public var throttleWindow: Duration = .seconds(15 * 60)

    public init() {}

    /// The part of these settings that the user store applies at login.
    public var loginPolicy: LoginPolicy {
        LoginPolicy(tokenLifetime: tokenLifetime, maxFailedLogins: maxFailedLogins, throttleWindow: throttleWindow)
    }
}
