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
            // Recent failed logins per username, pruned once older than the throttle window.
            "CREATE TABLE login_failures (username TEXT NOT NULL, failed_at TEXT NOT NULL)",
            "CREATE INDEX login_failures_username ON login_failures (username, failed_at)",
            "CREATE INDEX login_failures_at ON login_failures (failed_at)",
        ]
    )
}
