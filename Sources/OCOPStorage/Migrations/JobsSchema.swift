/// Background jobs (the outbox) and webhook subscriptions.
///
/// A job row is written in the same transaction as the change that calls for it, so nothing is
/// pushed outside a committed transaction and nothing committed is lost if a process dies.
enum JobsSchema {
    static let migration = Migration(
        id: "0004-jobs",
        statements: [
            """
            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                max_attempts INTEGER NOT NULL,
                run_after TEXT NOT NULL,
                locked_by TEXT,
                locked_until TEXT,
                last_error TEXT,
                created_at TEXT NOT NULL,
                finished_at TEXT
            )
            """,
            "CREATE INDEX jobs_ready ON jobs (status, run_after)",
            """
            CREATE TABLE webhook_subscriptions (
                id INTEGER PRIMARY KEY,
                event TEXT NOT NULL,
                url TEXT NOT NULL,
                secret TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )
            """,
        ]
    )
}
