/// Expiry notices to producers: a webhook subscription may belong to one producer, and each
/// notice is a row whose key (certificate, kind) makes sure it is sent once.
enum CertificateNoticesSchema {
    static let migration = Migration(
        id: "0010-certificate-notices",
        statements: [
            "ALTER TABLE webhook_subscriptions ADD COLUMN producer_slug TEXT",
            """
            CREATE TABLE certificate_notices (
                product_slug TEXT NOT NULL REFERENCES products (slug),
                certificate_number TEXT NOT NULL,
                kind TEXT NOT NULL,
                producer_slug TEXT NOT NULL,
                expires_on TEXT NOT NULL,
                created_at TEXT NOT NULL,
                deliveries INTEGER NOT NULL,
                PRIMARY KEY (product_slug, certificate_number, kind)
            )
            """,
            "CREATE INDEX audit_log_actor ON audit_log (actor, id)",
        ]
    )
}
