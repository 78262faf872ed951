import SQLKit

/// Staff accounts, their scopes, sessions (tokens stored as hashes) and login throttling.
/// Timestamps are ISO 8601 UTC text (`ISOTimestamp`), so they compare correctly as text.
enum AccountsSchema {
    static let migration = Migration(
        id: "0002-accounts",
        statements: [
            """
            CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                username TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                created_at TEXT NOT NULL,
                disabled_at TEXT
            )
            """,
            """
            CREATE TABLE user_scopes (
                user_id INTEGER NOT NULL REFERENCES users (id),
                scope TEXT NOT NULL,
                PRIMARY KEY (user_id, scope)
            )
            """,
            // Only the SHA-256 of a token is kept: a copy of the database does not let anyone log in.
            """
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users (id),
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                revoked_at TEXT
            )
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
            // One row per username with recent failed logins. Every attempt upserts its row first, which
            // locks it on PostgreSQL, so concurrent guesses at one name are counted one after another.
            // `failures`: ISO timestamps of the failures still in the throttle window, space-separated.
            """
            CREATE TABLE login_throttle (
                username TEXT PRIMARY KEY,
                failures TEXT NOT NULL,
                latest_failure_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX login_throttle_latest ON login_throttle (latest_failure_at)",
        ]
    )
}
