import SQLKit

/// Staff accounts, their scopes, sessions (tokens stored as hashes) and login throttling.
enum AccountsSchema {
    static let migration = Migration(id: "0002-accounts", statements: [])
}
