/// The fingerprint of the catalog files the last successful import read, so an unchanged catalog
/// is recognised without parsing it again.
enum CatalogImportStateSchema {
    static let migration = Migration(
        id: "0011-catalog-import-state",
        statements: [
            "CREATE TABLE catalog_import_state (id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint TEXT NOT NULL)"
        ]
    )
}
