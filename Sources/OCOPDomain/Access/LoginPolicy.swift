/// How long sessions live and when repeated failed logins are throttled.
public struct LoginPolicy: Sendable {
    public var tokenLifetime: Duration
    /// Failed logins for one username allowed within `throttleWindow`; the next attempt is refused.
    public var maxFailedLogins: Int
    public var throttleWindow: Duration

    public init(tokenLifetime: Duration, maxFailedLogins: Int, throttleWindow: Duration) {
        self.tokenLifetime = tokenLifetime
        self.maxFailedLogins = maxFailedLogins
        self.throttleWindow = throttleWindow
    }
}
