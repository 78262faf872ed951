public import OCOPDomain

/// A staff account as the API, the CLI and the audit log show it: never with its password hash.
public struct UserAccount: Sendable, Hashable, Encodable {
    public let id: Int
    public let username: String
    public let role: StaffRole
    /// Point, fair or producer slugs, sorted; empty for admins.
    public let scopes: [String]
    /// ISO 8601 UTC.
    public let createdAt: String
    /// ISO 8601 UTC, or nil while the account may log in.
    public let disabledAt: String?

    public var isDisabled: Bool { disabledAt != nil }

    /// The identity a session of this account acts as.
    public var identity: StaffIdentity {
        StaffIdentity(userID: id, username: username, role: role, scopes: Set(scopes))
    }
}
