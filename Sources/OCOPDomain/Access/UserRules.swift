/// What a username, a password and a role's scopes must look like.
public enum UserRules {
    public static let usernameLength = 3...40
    public static let minimumPasswordLength = 10
    // Bcrypt reads at most 72 bytes; a longer password would be silently cut, so it is refused.
    public static let maximumPasswordBytes = 72

    /// The problems of a new account, each naming its field; empty when it is acceptable.
    public static func issues(username: String, password: String, role: StaffRole, scopes: [String]) -> [DomainError
        .FieldIssue]
    {
        [usernameIssue(username), passwordIssue(password), scopesIssue(scopes, role: role)].compactMap { $0 }
    }

    public static func usernameIssue(_ username: String) -> DomainError.FieldIssue? {
        let allowed = username.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
        guard usernameLength.contains(username.unicodeScalars.count), allowed else {
            return .init(field: "username", reason: "3 to 40 characters of a-z, 0-9, '.', '_' and '-'")
        }
        return nil
    }

    public static func passwordIssue(_ password: String) -> DomainError.FieldIssue? {
        if password.count < minimumPasswordLength {
            return .init(field: "password", reason: "at least \(minimumPasswordLength) characters")
        }
        if password.utf8.count > maximumPasswordBytes {
            return .init(field: "password", reason: "at most \(maximumPasswordBytes) bytes in UTF-8")
        }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .init(field: "password", reason: "must not contain control characters")
        }
        return nil
    }

    public static func scopesIssue(_ scopes: [String], role: StaffRole) -> DomainError.FieldIssue? {
        if let bad = scopes.first(where: { !VietnameseText.isSlug($0) }) {
            return .init(field: "scopes", reason: "'\(bad)' is not a slug (a-z, 0-9 and single hyphens)")
        }
        switch role {
        case .admin where !scopes.isEmpty:
            return .init(field: "scopes", reason: "an admin acts on everything and takes no scopes")
        case .pointStaff where scopes.isEmpty:
            return .init(field: "scopes", reason: "point_staff needs at least one point slug")
        case .fairManager where scopes.isEmpty:
            return .init(field: "scopes", reason: "fair_manager needs at least one fair slug")
        case .producer where Set(scopes).count != 1:
            return .init(field: "scopes", reason: "producer needs exactly one producer slug")
        default:
            return nil
        }
    }
}
