/// What a staff account may do. Scopes name the points, fairs or producer a role acts on.
public enum StaffRole: String, Sendable, CaseIterable, Codable {
    /// The programme office: everything.
    case admin
    /// Staff of one or more display/sale points (scopes are point slugs).
    case pointStaff = "point_staff"
    /// Managers of one or more fairs (scopes are fair slugs).
    case fairManager = "fair_manager"
    /// A producer's own account (one scope: the producer slug).
    case producer
}

/// Who is calling: the authenticated staff account and its scopes.
public struct StaffIdentity: Sendable, Hashable {
    public let userID: Int
    public let username: String
    public let role: StaffRole
    /// Point, fair or producer slugs, depending on the role; empty for admins.
    public let scopes: Set<String>

    public init(userID: Int, username: String, role: StaffRole, scopes: Set<String>) {
        self.userID = userID
        self.username = username
        self.role = role
        self.scopes = scopes
    }

    public var isAdmin: Bool { role == .admin }

    /// Whether the caller may act on the point with this slug.
    public func canManagePoint(_ slug: String) -> Bool {
        isAdmin || (role == .pointStaff && scopes.contains(slug))
    }

    /// Whether the caller may act on the fair with this slug.
    public func canManageFair(_ slug: String) -> Bool {
        isAdmin || (role == .fairManager && scopes.contains(slug))
    }

    /// Whether the caller may act for the producer with this slug.
    public func canActForProducer(_ slug: String) -> Bool {
        isAdmin || (role == .producer && scopes.contains(slug))
    }

    /// The name written into audit rows and ledgers: "user:<username>".
    public var actor: String { "user:\(username)" }
}
