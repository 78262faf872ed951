import HummingbirdBcrypt
import NIOPosix
public import OCOPDomain
import SQLKit

/// Staff accounts: creating, listing, changing passwords and disabling, each audited in its transaction.
/// Sessions are in `UserStore+Sessions.swift`, logins and their throttling in `UserStore+Login.swift`.
public struct UserStore: Sendable {
    let database: Database
    let passwordCost: UInt8

    /// `passwordCost` is the bcrypt work factor of new password hashes (kept within 4…31).
    public init(database: Database, passwordCost: UInt8 = 11) {
        self.database = database
        self.passwordCost = min(max(passwordCost, 4), 31)
    }

    // MARK: - Reads

    /// Accounts ordered by username, starting after `username` when given.
    public func list(after username: String? = nil, limit: Int = 100) async throws -> [UserAccount] {
        try await database.read { sql in
            let rows = try await sql.raw(
                """
                SELECT id, username, role, created_at, disabled_at FROM users
                WHERE username > \(bind: username ?? "") ORDER BY username LIMIT \(bind: limit)
                """
            ).all()
            var accounts: [UserAccount] = []
            for row in rows { accounts.append(try await Self.account(from: row, sql)) }
            return accounts
        }
    }

    /// The account with this username, if any.
    public func account(named username: String) async throws -> UserAccount? {
        try await database.read { sql in try await Self.account(named: username, sql) }
    }

    // MARK: - Writes

    /// Creates an account; invalid fields are a `.invalid` error naming them, a taken username `.conflict`.
    @discardableResult
    public func create(
        username: String, password: String, role: StaffRole, scopes: [String], actor: String, at now: Moment
    ) async throws -> UserAccount {
        try await database.perform(
            try await creation(username: username, password: password, role: role, scopes: scopes, actor: actor, at: now))
    }

    /// `create` as one operation of the write pipeline: the fields are checked and the password
    /// hashed (slow on purpose) here, before any transaction opens.
    public func creation(
        username: String, password: String, role: StaffRole, scopes: [String], actor: String, at now: Moment
    ) async throws -> StoreOperation<UserAccount> {
        let issues = UserRules.issues(username: username, password: password, role: role, scopes: scopes)
        guard issues.isEmpty else { throw Self.invalid(issues) }
        let hash = try await hashPassword(password)
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            guard try await Self.account(named: username, sql) == nil else { throw Self.taken(username) }
            let inserted: Int?
            do {
                inserted = try await sql.raw(
                    """
                    INSERT INTO users (username, password_hash, role, created_at)
                    VALUES (\(bind: username), \(bind: hash), \(bind: role.rawValue), \(bind: timestamp)) RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self)
            } catch let error where EngineError.isUniqueViolation(error) {
                // On a pooled engine two creates of one name can both pass the check above; the
                // unique index stops the second.
                throw Self.taken(username)
            }
            guard let id = inserted else { throw DomainError(.invalid, "the new account got no id") }
            let sortedScopes = Set(scopes).sorted()
            try await Self.requireScopesExist(sortedScopes, role: role, sql)
            for scope in sortedScopes {
                try await sql.raw("INSERT INTO user_scopes (user_id, scope) VALUES (\(bind: id), \(bind: scope))").run()
            }
            let account = UserAccount(
                id: id, username: username, role: role, scopes: sortedScopes, createdAt: timestamp, disabledAt: nil)
            try await AuditLog.append(
                sql, actor: actor, action: "create", entity: "user", entityID: username, before: nil,
                after: CanonicalJSON.encode(account), at: timestamp)
            return account
        }
    }

    /// Refuses scopes that name no point, fair or producer: an account must not gain access to a slug
    /// created later by someone else.
    private static func requireScopesExist(_ scopes: [String], role: StaffRole, _ sql: any SQLDatabase) async throws {
        let table: String
        switch role {
        case .admin: return
        case .pointStaff: table = "points"
        case .fairManager: table = "fairs"
        case .producer: table = "producers"
        }
        guard !scopes.isEmpty else { return }
        let found = try await sql.raw(
            "SELECT slug FROM \(unsafeRaw: table) WHERE slug IN (\(SQLList(scopes.map { SQLBind($0) })))"
        ).all().map { try $0.decode(column: "slug", as: String.self) }
        let unknown = Set(scopes).subtracting(found).sorted()
        guard unknown.isEmpty else {
            let kind = role == .pointStaff ? "point" : role == .fairManager ? "fair" : "producer"
            throw invalid([.init(field: "scopes", reason: "no \(kind) \(unknown.map { "'\($0)'" }.joined(separator: ", "))")])
        }
    }

    /// Replaces the password and ends every session of the account.
    public func setPassword(username: String, password: String, actor: String, at now: Moment) async throws {
        if let issue = UserRules.passwordIssue(password) { throw Self.invalid([issue]) }
        let hash = try await hashPassword(password)
        let timestamp = ISOTimestamp.string(now)
        try await database.transaction { sql in
            let account = try await Self.existingAccount(named: username, sql)
            try await sql.raw("UPDATE users SET password_hash = \(bind: hash) WHERE id = \(bind: account.id)").run()
            try await Self.revokeSessions(userID: account.id, at: timestamp, sql)
            try await AuditLog.append(
                sql, actor: actor, action: "set_password", entity: "user", entityID: username, before: nil, after: nil,
                at: timestamp)
        }
    }

    /// Stops the account from logging in and ends its sessions; disabling twice changes nothing more.
    @discardableResult
    public func disable(username: String, actor: String, at now: Moment) async throws -> UserAccount {
        try await database.perform(disabling(username: username, actor: actor, at: now))
    }

    /// `disable` as one operation of the write pipeline.
    public func disabling(username: String, actor: String, at now: Moment) -> StoreOperation<UserAccount> {
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            let before = try await Self.existingAccount(named: username, sql)
            try await sql.raw(
                "UPDATE users SET disabled_at = \(bind: timestamp) WHERE id = \(bind: before.id) AND disabled_at IS NULL"
            ).run()
            try await Self.revokeSessions(userID: before.id, at: timestamp, sql)
            let after = try await Self.existingAccount(named: username, sql)
            try await AuditLog.append(
                sql, actor: actor, action: "disable", entity: "user", entityID: username,
                before: CanonicalJSON.encode(before), after: CanonicalJSON.encode(after), at: timestamp)
            return after
        }
    }

    // MARK: - Helpers

    // Bcrypt is slow on purpose; it runs on NIO's blocking pool so that it never stalls the cooperative pool.
    func hashPassword(_ password: String) async throws -> String {
        let cost = passwordCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func taken(_ username: String) -> DomainError {
        DomainError(
            .conflict, "the username '\(username)' is taken",
            issues: [.init(field: "username", reason: "already taken")])
    }

    static func invalid(_ issues: [DomainError.FieldIssue]) -> DomainError {
        DomainError(.invalid, issues.map { "\($0.field): \($0.reason)" }.joined(separator: "; "), issues: issues)
    }

    static func account(named username: String, _ sql: any SQLDatabase) async throws -> UserAccount? {
        guard
            let row = try await sql.raw(
                "SELECT id, username, role, created_at, disabled_at FROM users WHERE username = \(bind: username)"
            ).first()
        else { return nil }
        return try await account(from: row, sql)
    }

    static func existingAccount(named username: String, _ sql: any SQLDatabase) async throws -> UserAccount {
        guard let account = try await account(named: username, sql) else {
            throw DomainError(.notFound, "no user '\(username)'")
        }
        return account
    }

    static func account(from row: any SQLRow, _ sql: any SQLDatabase) async throws -> UserAccount {
        let id = try row.decode(column: "id", as: Int.self)
        let roleText = try row.decode(column: "role", as: String.self)
        guard let role = StaffRole(rawValue: roleText) else {
            throw DomainError(.invalid, "user \(id) has an unknown role '\(roleText)'")
        }
        let scopes = try await sql.raw("SELECT scope FROM user_scopes WHERE user_id = \(bind: id) ORDER BY scope").all()
            .map { try $0.decode(column: "scope", as: String.self) }
        return UserAccount(
            id: id, username: try row.decode(column: "username", as: String.self), role: role, scopes: scopes,
            createdAt: try row.decode(column: "created_at", as: String.self),
            disabledAt: try row.decode(column: "disabled_at", as: String?.self))
    }
}
