/// Certificates managed over the API beside those in the catalog files: `source` tells which, so
/// that `ocop import` replaces only the certificates its files hold.
enum CertificateLifecycleSchema {
    static let migration = Migration(
        id: "0005-certificate-lifecycle",
        statements: [
            "ALTER TABLE certificates ADD COLUMN source TEXT NOT NULL DEFAULT 'catalog'",
            "ALTER TABLE certificates ADD COLUMN revocation_decision TEXT",
        ]
    )
}
