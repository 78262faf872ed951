import HummingbirdBcrypt
import NIOPosix
public import OCOPDomain
import SQLKit

/// Password logins with throttling by username.
extension UserStore {
    /// Checks the password and issues a session; after `policy.maxFailedLogins` failures for the username
    /// within `policy.throttleWindow`, refuses even the right password until the oldest of them ages out.
    public func login(username: String, password: String, policy: LoginPolicy, at now: Moment) async throws
        -> LoginOutcome
    {
        // A name no account can have is refused without touching the database (it may be huge),
        // after the same bcrypt work as any other refusal.
        guard UserRules.usernameIssue(username) == nil else {
            _ = try await verify(password, against: nil)
            return .rejected
        }
        let windowStart = ISOTimestamp.string(
            Moment(unixMilliseconds: now.unixMilliseconds - policy.throttleWindow.milliseconds))
        // Housekeeping only: a failure here (a deadlock between two prunes on PostgreSQL) changes no answer.
        try? await database.transaction { sql in
            try await sql.raw("DELETE FROM login_throttle WHERE latest_failure_at <= \(bind: windowStart)").run()
        }
        let passwordHash: String?
        switch try await countAttempt(username: username, policy: policy, windowStart: windowStart, at: now) {
        case .throttled(let seconds): return .throttled(retryAfterSeconds: seconds)
        case .check(let hash): passwordHash = hash
        }
        guard try await verify(password, against: passwordHash) else { return .rejected }
        return try await database.transaction { sql in
            try await sql.raw("DELETE FROM login_throttle WHERE username = \(bind: username)").run()
            guard let account = try await Self.account(named: username, sql), !account.isDisabled else {
                return .rejected
            }
            return .succeeded(try await Self.issueSession(for: account, lifetime: policy.tokenLifetime, at: now, sql))
        }
    }

    private enum Attempt: Sendable {
        case throttled(retryAfterSeconds: Int)
        /// The attempt is counted as a failure until the password proves right; nil for no active account.
        case check(passwordHash: String?)
    }

    // The failure is counted before bcrypt runs, so concurrent guesses cannot slip past the limit while
    // it computes; a success clears it again.
    private func countAttempt(
        username: String, policy: LoginPolicy, windowStart: String, at now: Moment
    ) async throws -> Attempt {
        let timestamp = ISOTimestamp.string(now)
        return try await database.transaction { sql in
            // The upsert locks this username's row (PostgreSQL) until commit; SQLite runs one writer anyway.
            let stored =
                try await sql.raw(
                    """
                    INSERT INTO login_throttle (username, failures, latest_failure_at) VALUES (\(bind: username), '', '')
                    ON CONFLICT (username) DO UPDATE SET username = excluded.username RETURNING failures
                    """
                ).first()?.decode(column: "failures", as: String.self) ?? ""
            var recent = stored.split(separator: " ").map(String.init).filter { $0 > windowStart }.sorted()
            let limit = max(1, policy.maxFailedLogins)
            if recent.count >= limit {
                // Logins open again once enough failures have left the window: the oldest of the last `limit`.
                let oldest = Self.moment(iso: recent[recent.count - limit]) ?? now
                let opensAt = oldest.unixMilliseconds + policy.throttleWindow.milliseconds
                return .throttled(retryAfterSeconds: Int(max(1, (opensAt - now.unixMilliseconds + 999) / 1000)))
            }
            recent.append(timestamp)
            try await sql.raw(
                """
                UPDATE login_throttle SET failures = \(bind: recent.joined(separator: " ")),
                    latest_failure_at = \(bind: timestamp)
                WHERE username = \(bind: username)
                """
            ).run()
            let hash = try await sql.raw(
                "SELECT password_hash FROM users WHERE username = \(bind: username) AND disabled_at IS NULL"
            ).first()?.decode(column: "password_hash", as: String.self)
            return .check(passwordHash: hash)
        }
    }

    // An unknown or disabled account still costs one bcrypt run, so timing does not tell it apart.
    private func verify(_ password: String, against hash: String?) async throws -> Bool {
        let cost = passwordCost
        return try await NIOThreadPool.singleton.runIfActive {
            guard let hash else {
                _ = Bcrypt.hash(password, cost: cost)
                return false
            }
            return Bcrypt.verify(password, hash: hash)
        }
    }

    /// Reads back an `ISOTimestamp` string ("2026-11-22T21:37:51.123Z").
    static func moment(iso text: String) -> Moment? {
        let characters = Array(text.utf8)
        guard characters.count == 24, let date = CalendarDate(iso: String(text.prefix(10))) else { return nil }
        func number(_ range: Range<Int>) -> Int64? { Int64(String(decoding: characters[range], as: UTF8.self)) }
        guard let h = number(11..<13), let m = number(14..<16), let s = number(17..<19), let ms = number(20..<23)
        else { return nil }
        return Moment(
            unixMilliseconds: Int64(date.daysSince1970) * 86_400_000 + h * 3_600_000 + m * 60_000 + s * 1000 + ms)
    }
}
