import Hummingbird
import OCOPDomain
import OCOPStorage

/// The office's staff accounts (admins): every account with its role and scopes, a form to create
/// one, and on an account's page: set a new password (which ends its sessions), end its sessions,
/// and disable it. The same `UserStore` operations and rules as `/v1/users`, each audited.
extension ConsoleController {
    static let usersPerPage = 100

    func addUserRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("office/users", use: officeUsers)
        group.post("office/users", use: officeCreateUser)
        group.get("office/users/:username", use: officeUser)
        group.post("office/users/:username/password", use: officeSetPassword)
        group.post("office/users/:username/sessions", use: officeEndSessions)
        group.post("office/users/:username/disable", use: officeDisableUser)
    }

    @Sendable func officeUsers(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) { try await renderUsers(request, context, status: .ok) }
    }

    @Sendable func officeCreateUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await asOffice(request, context) {
            let username = form["username"]?.trimmingWhitespace ?? ""
            // Scopes as typed: slugs separated by commas, spaces or new lines.
            let scopes = (form["scopes"] ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
            do {
                guard let role = StaffRole(rawValue: form["role"] ?? "") else {
                    throw DomainError.invalid(field: "role", StaffRole.allCases.map(\.rawValue).joined(separator: ", "))
                }
                try await users.create(
                    username: username, password: form["password"] ?? "", role: role, scopes: scopes,
                    actor: identity.actor, at: clock.now())
                return ConsolePage.redirect(page(request, context).link("/console/office/users/\(username)?created=1"))
            } catch let error as DomainError {
                return try await renderUsers(request, context, status: Problem(error).status, error: error.explanation, form: form)
            }
        } }
    }

    @Sendable func officeUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withAccount(request, context) { account in try renderUser(request, context, account, status: .ok) }
    }

    @Sendable func officeSetPassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await accountForm(request, context, done: "password_set") { form, account, identity in
            try await users.setPassword(
                username: account.username, password: form["password"] ?? "", actor: identity.actor, at: clock.now())
        }
    }

    @Sendable func officeEndSessions(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await accountForm(request, context, done: "sessions_ended") { _, account, identity in
            _ = try await users.revokeSessions(username: account.username, actor: identity.actor, at: clock.now())
        }
    }

    @Sendable func officeDisableUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await accountForm(request, context, done: "account_disabled") { _, account, identity in
            // As over the API: an admin locking themselves out is always a mistake.
            guard account.username != identity.username else {
                throw DomainError(.conflict, ConsoleWords.word("cannot_disable_self", page(request, context).language))
            }
            try await users.disable(username: account.username, actor: identity.actor, at: clock.now())
        }
    }

    /// A form on an account's page: the change, then the page again with `done` said, or with
    /// the reason it was refused.
    private func accountForm(
        _ request: Request, _ context: AppRequestContext, done: String,
        _ change: (FormBody, UserAccount, StaffIdentity) async throws -> Void
    ) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await withAccount(request, context) { account in
            do {
                try await change(form, account, identity)
                return ConsolePage.redirect(page(request, context).link("/console/office/users/\(account.username)?done=\(done)"))
            } catch let error as DomainError {
                return try renderUser(request, context, account, status: Problem(error).status, error: error.explanation)
            }
        } }
    }

    private func withAccount(
        _ request: Request, _ context: AppRequestContext, _ body: (UserAccount) async throws -> Response
    ) async throws -> Response {
        try await asOffice(request, context) {
            guard let account = try await users.account(named: try context.pathValue("username")) else {
                return notFound(request, context)
            }
            return try await body(account)
        }
    }

    private func renderUsers(
        _ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status, error: String? = nil,
        form: FormBody? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        // A page of accounts after the `after` username; the next page's link carries the last one.
        let after = request.uri.queryParameters.get("after").map { String($0) }
        let accounts = try await users.list(after: after, limit: Self.usersPerPage + 1)
        var values = page.context(title: ConsoleWords.word("users", language), path: "/console/office/users")
        values["heading"] = ConsoleWords.word("users", language)
        values["nav"] = page.officeNav(current: "/users")
        values["nav_label"] = ConsoleWords.word("office", language)
        values["accounts"] = accounts.prefix(Self.usersPerPage).map { account -> [String: Any] in
            var row: [String: Any] = [
                "username": account.username, "href": page.link("/console/office/users/\(account.username)"),
                "role": ConsoleWords.word("role_" + account.role.rawValue, language),
                "scopes": account.scopes.isEmpty ? "—" : account.scopes.joined(separator: ", "),
                "created": ShowroomFormat.localTime(account.createdAt, language),
            ]
            if account.disabledAt != nil { row["disabled"] = true }
            return row
        }
        if accounts.count > Self.usersPerPage, let last = accounts.prefix(Self.usersPerPage).last {
            values["next_href"] = page.link("/console/office/users?after=\(last.username)")
        }
        values["action"] = page.link("/console/office/users")
        values["roles"] = StaffRole.allCases.map { role -> [String: Any] in
            ["value": role.rawValue, "label": ConsoleWords.word("role_" + role.rawValue, language),
             "selected": form?["role"] == role.rawValue]
        }
        // A refused form keeps what was typed, except the password.
        for name in ["username", "scopes"] { if let text = form?[name] { values["form_" + name] = text } }
        values["password_rule"] = ConsoleWords.phrase(
            "password_rule", language, ["n": String(UserRules.minimumPasswordLength)])
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-users", values))
    }

    private func renderUser(
        _ request: Request, _ context: AppRequestContext, _ account: UserAccount, status: HTTPResponse.Status,
        error: String? = nil
    ) throws -> Response {
        let page = page(request, context)
        let language = page.language
        let path = "/console/office/users/\(account.username)"
        var values = page.context(title: account.username, path: path)
        values["heading"] = account.username
        values["nav"] = page.officeNav(current: "/users")
        values["nav_label"] = ConsoleWords.word("office", language)
        values["role"] = ConsoleWords.word("role_" + account.role.rawValue, language)
        values["scopes"] = account.scopes.isEmpty ? "—" : account.scopes.joined(separator: ", ")
        values["created"] = ShowroomFormat.localTime(account.createdAt, language)
        if let disabled = account.disabledAt {
            values["disabled"] = ShowroomFormat.localTime(disabled, language)
        } else if account.username != context.identity?.username {
            values["disable_action"] = page.link(path + "/disable")
        }
        values["password_action"] = page.link(path + "/password")
        values["sessions_action"] = page.link(path + "/sessions")
        values["password_rule"] = ConsoleWords.phrase(
            "password_rule", language, ["n": String(UserRules.minimumPasswordLength)])
        values["audit_href"] = page.link("/console/office/audit?entity=user&entity_id=\(account.username)")
        if request.uri.queryParameters.get("created") != nil { values["done"] = ConsoleWords.word("account_created", language) }
        if let done = request.uri.queryParameters.get("done"), ["password_set", "sessions_ended", "account_disabled"].contains(done) {
            values["done"] = ConsoleWords.word(String(done), language)
        }
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-user", values))
    }
}
