import Foundation
public import OCOPDomain
public import SQLKit

/// Marketplace seller accounts: settings in plain columns, credentials sealed with the secret box.
public struct MarketplaceAccountStore: Sendable {
    private let database: Database
    private let box: MarketplaceSecretBox

    public init(database: Database, box: MarketplaceSecretBox) {
        self.database = database
        self.box = box
    }

    /// Creates an account inside the caller's transaction; a name taken on that marketplace is a 409.
    public func create(
        _ account: NewMarketplaceAccount, actor: String, at now: Moment, in sql: any SQLDatabase
    ) async throws -> MarketplaceAccount {
        guard try await PointStore.exists(account.point, sql) else {
            throw DomainError.invalid(field: "point", "no point '\(account.point)'")
        }
        if try await sql.raw(
            """
            SELECT id FROM marketplace_accounts WHERE marketplace = \(bind: account.marketplace)
                AND name = \(bind: account.name)
            """
        ).first() != nil {
            throw DomainError(.conflict, "a \(account.marketplace) account named '\(account.name)' exists")
        }
        let timestamp = ISOTimestamp.string(now)
        let sealed = try box.seal(Array(try JSONEncoder().encode(account.credentials)))
        let row = try await sql.raw(
            """
            INSERT INTO marketplace_accounts (marketplace, name, base_url, credentials, point_slug, stock_ratio_bp,
                stock_buffer, category_map, attribute_defaults, owner, created_at, created_by, updated_at)
            VALUES (\(bind: account.marketplace), \(bind: account.name), \(bind: account.baseURL), \(bind: sealed),
                \(bind: account.point), \(bind: account.stockRatioBasisPoints), \(bind: account.stockBuffer),
                \(bind: try CanonicalJSON.encode(account.categoryMap)),
                \(bind: try CanonicalJSON.encode(account.attributeDefaults)), \(bind: account.owner),
                \(bind: timestamp), \(bind: actor), \(bind: timestamp))
            RETURNING id
            """
        ).first()
        guard let id = try row?.decode(column: "id", as: Int.self), var created = try await Self.account(id: id, sql)
        else { throw DomainError(.invalid, "the account was not stored") }
        created.credentialKeys = account.credentials.values.keys.sorted()
        created.accessTokenExpiresAt = account.credentials.accessTokenExpiresAt.map(ISOTimestamp.string)
        // The audit row names the account and its settings, never the credentials.
        try await AuditLog.append(
            sql, actor: actor, action: "create", entity: "marketplace_account", entityID: String(id), before: nil,
            after: try CanonicalJSON.encode(created), at: timestamp)
        return created
    }

    /// Every account, or those of one owner, by id.
    public func list(owners: Set<String>?) async throws -> [MarketplaceAccount] {
        try await database.read { sql in
            try await sql.raw("SELECT * FROM marketplace_accounts ORDER BY id").all()
                .map(Self.account(from:))
                .filter { owners?.contains($0.owner) ?? true }
        }
    }

    /// One account's settings (never its credentials), or nil.
    public func account(_ id: Int) async throws -> MarketplaceAccount? {
        try await database.read { sql in try await Self.account(id: id, sql) }
    }

    /// Decrypted credentials of an account.
    public func credentials(account id: Int) async throws -> StoredCredentials {
        try await database.read { sql in
            guard
                let row = try await sql.raw("SELECT credentials FROM marketplace_accounts WHERE id = \(bind: id)")
                    .first()
            else { throw DomainError(.notFound, "no marketplace account \(id)") }
            return try open(try row.decode(column: "credentials", as: String.self))
        }
    }

    /// Replaces an account's credentials (new tokens after a refresh), committed before they are used.
    public func replaceCredentials(account id: Int, with credentials: StoredCredentials, at now: Moment) async throws {
        try await database.transaction { sql in try await store(credentials, account: id, at: now, sql) }
    }

    /// Refreshes an account's tokens once, even with several nodes: when the stored tokens are no
    /// longer the ones the caller used, another worker has refreshed already and those are returned.
    /// On PostgreSQL the account row stays locked while `refresh` runs, so a single-use refresh
    /// token is never spent twice; SQLite has one node, where a process-wide lock does the same
    /// (holding SQLite's write lock over an HTTP call would stall counter sales).
    public func refreshOnce(
        account id: Int, used: StoredCredentials, at now: Moment,
        _ refresh: @Sendable (StoredCredentials) async throws -> StoredCredentials
    ) async throws -> StoredCredentials {
        if database.engine == .postgres {
            return try await database.transaction { sql in
                let current = try await lockedCredentials(id, sql)
                guard current == used else { return current }
                let fresh = try await refresh(current)
                try await store(fresh, account: id, at: now, sql)
                return fresh
            }
        }
        return try await Self.refreshLock.withLock {
            let current = try await credentials(account: id)
            guard current == used else { return current }
            let fresh = try await refresh(current)
            try await replaceCredentials(account: id, with: fresh, at: now)
            return fresh
        }
    }

    /// Refreshes are rare: one at a time per process is plenty.
    private static let refreshLock = AsyncSerialLock()

    private func lockedCredentials(_ id: Int, _ sql: any SQLDatabase) async throws -> StoredCredentials {
        guard
            let row = try await sql.raw(
                "SELECT credentials FROM marketplace_accounts WHERE id = \(bind: id) FOR UPDATE"
            ).first()
        else { throw DomainError(.notFound, "no marketplace account \(id)") }
        return try open(try row.decode(column: "credentials", as: String.self))
    }

    private func store(_ credentials: StoredCredentials, account id: Int, at now: Moment, _ sql: any SQLDatabase)
        async throws
    {
        let sealed = try box.seal(Array(try JSONEncoder().encode(credentials)))
        try await sql.raw(
            """
            UPDATE marketplace_accounts SET credentials = \(bind: sealed), updated_at = \(bind: ISOTimestamp.string(now))
            WHERE id = \(bind: id)
            """
        ).run()
    }

    func open(_ sealed: String) throws -> StoredCredentials {
        try JSONDecoder().decode(StoredCredentials.self, from: Data(try box.open(sealed)))
    }

    // MARK: - Rows

    static func account(id: Int, _ sql: any SQLDatabase) async throws -> MarketplaceAccount? {
        try await sql.raw("SELECT * FROM marketplace_accounts WHERE id = \(bind: id)").first().map(account(from:))
    }

    /// The account's columns, without anything from the sealed credentials.
    static func account(from row: any SQLRow) throws -> MarketplaceAccount {
        func map(_ column: String) throws -> [String: String] {
            try JSONDecoder().decode([String: String].self, from: Data(try row.decode(column: column, as: String.self).utf8))
        }
        return MarketplaceAccount(
            id: try row.decode(column: "id", as: Int.self),
            marketplace: try row.decode(column: "marketplace", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            baseURL: try row.decode(column: "base_url", as: String.self),
            point: try row.decode(column: "point_slug", as: String.self),
            stockRatioBasisPoints: try row.decode(column: "stock_ratio_bp", as: Int.self),
            stockBuffer: try row.decode(column: "stock_buffer", as: Int.self),
            categoryMap: try map("category_map"), attributeDefaults: try map("attribute_defaults"),
            owner: try row.decode(column: "owner", as: String.self), credentialKeys: [], accessTokenExpiresAt: nil,
            createdAt: try row.decode(column: "created_at", as: String.self),
            createdBy: try row.decode(column: "created_by", as: String.self))
    }
}

extension MarketplaceAccountStore {
    /// The account as the API shows it: with the names of its credentials and the token's expiry.
    public func describe(_ account: MarketplaceAccount) async throws -> MarketplaceAccount {
        let credentials = try await credentials(account: account.id)
        var described = account
        described.credentialKeys = credentials.values.keys.sorted()
        described.accessTokenExpiresAt = credentials.accessTokenExpiresAt.map(ISOTimestamp.string)
        return described
    }
}
