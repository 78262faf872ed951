public import OCOPDomain
import SQLKit

/// Bearer sessions: issued with a random token, looked up by the token's hash, revoked one by one or all at once.
extension UserStore {
    /// Issues a token for an active account without a password check (for the CLI and tests);
    /// HTTP logins go through `login`.
    public func createSession(username: String, lifetime: Duration, at now: Moment) async throws -> IssuedSession {
        try await database.transaction { sql in
            let account = try await Self.existingAccount(named: username, sql)
            guard !account.isDisabled else { throw DomainError(.forbidden, "the user '\(username)' is disabled") }
            return try await Self.issueSession(for: account, lifetime: lifetime, at: now, sql)
        }
    }

    /// Who holds this token, if it is known, unexpired, unrevoked and its account is not disabled.
    public func identity(forToken token: String, at now: Moment) async throws -> StaffIdentity? {
        try await session(forToken: token, at: now)?.identity
    }

    /// The same, with when the session expires (for a cache not to outlive it).
    public func session(forToken token: String, at now: Moment) async throws -> (identity: StaffIdentity, expiresAt: Moment)? {
        let tokenHash = SessionToken.hash(token)
        let timestamp = ISOTimestamp.string(now)
        return try await database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT users.id, users.username, users.role, users.created_at, users.disabled_at,
                        sessions.expires_at AS session_expires_at
                    FROM sessions JOIN users ON users.id = sessions.user_id
                    WHERE sessions.token_hash = \(bind: tokenHash) AND sessions.revoked_at IS NULL
                      AND sessions.expires_at > \(bind: timestamp) AND users.disabled_at IS NULL
                    """
                ).first()
            else { return nil }
            let expires = ISOTimestamp.moment(try row.decode(column: "session_expires_at", as: String.self)) ?? now
            return (try await Self.account(from: row, sql).identity, expires)
        }
    }

    /// Ends the session holding this token (a logout); false when it was not active.
    @discardableResult
    public func revokeSession(token: String, actor: String, at now: Moment) async throws -> Bool {
        let tokenHash = SessionToken.hash(token)
        let timestamp = ISOTimestamp.string(now)
        return try await database.transaction { sql in
            guard
                let row = try await sql.raw(
                    """
                    UPDATE sessions SET revoked_at = \(bind: timestamp)
                    WHERE token_hash = \(bind: tokenHash) AND revoked_at IS NULL RETURNING user_id
                    """
                ).first()
            else { return false }
            sql.announce(.sessions)
            let userID = try row.decode(column: "user_id", as: Int.self)
            let username = try await sql.raw("SELECT username FROM users WHERE id = \(bind: userID)").first()?
                .decode(column: "username", as: String.self)
            try await AuditLog.append(
                sql, actor: actor, action: "logout", entity: "user", entityID: username ?? "\(userID)", before: nil,
                after: nil, at: timestamp)
            return true
        }
    }

    /// Ends every active session of the account and returns how many there were.
    @discardableResult
    public func revokeSessions(username: String, actor: String, at now: Moment) async throws -> Int {
        try await database.perform(revokingSessions(username: username, actor: actor, at: now))
    }

    /// `revokeSessions` as one operation of the write pipeline.
    public func revokingSessions(username: String, actor: String, at now: Moment) -> StoreOperation<Int> {
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            let account = try await Self.existingAccount(named: username, sql)
            let count = try await Self.revokeSessions(userID: account.id, at: timestamp, sql)
            try await AuditLog.append(
                sql, actor: actor, action: "revoke_sessions", entity: "user", entityID: username, before: nil,
                after: CanonicalJSON.encode(["revoked_sessions": count]), at: timestamp)
            return count
        }
    }

    // MARK: - Inside a transaction

    static func issueSession(
        for account: UserAccount, lifetime: Duration, at now: Moment, _ sql: any SQLDatabase
    ) async throws -> IssuedSession {
        let token = SessionToken.generate()
        let expiresAt = Moment(unixMilliseconds: now.unixMilliseconds + lifetime.milliseconds)
        let timestamp = ISOTimestamp.string(now)
        try await sql.raw(
            """
            INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
            VALUES (\(bind: SessionToken.hash(token)), \(bind: account.id), \(bind: timestamp),
                    \(bind: ISOTimestamp.string(expiresAt)))
            """
        ).run()
        try await AuditLog.append(
            sql, actor: account.identity.actor, action: "login", entity: "user", entityID: account.username,
            before: nil, after: CanonicalJSON.encode(["expires_at": ISOTimestamp.string(expiresAt)]), at: timestamp)
        return IssuedSession(token: token, expiresAt: expiresAt, identity: account.identity)
    }

    @discardableResult
    static func revokeSessions(userID: Int, at timestamp: String, _ sql: any SQLDatabase) async throws -> Int {
        sql.announce(.sessions)
        return try await sql.raw(
            """
            UPDATE sessions SET revoked_at = \(bind: timestamp)
            WHERE user_id = \(bind: userID) AND revoked_at IS NULL AND expires_at > \(bind: timestamp)
            RETURNING token_hash
            """
        ).all().count
    }
}
