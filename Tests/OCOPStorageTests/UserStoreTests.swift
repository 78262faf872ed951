import Foundation
import OCOPDomain
import OCOPStorage
import SQLKit
import TestSupport
import Testing

@Suite struct UserStoreTests {
    private static let password = "a long enough password"
    private static let policy = LoginPolicy(
        tokenLifetime: .seconds(3600), maxFailedLogins: 3, throttleWindow: .seconds(60))

    /// A migrated database without the catalog, its clock, and a store hashing at the cheapest cost.
    private func withStore(
        _ engine: TestEngine = .sqlite, _ body: (UserStore, TestCatalogStack) async throws -> Void
    ) async throws {
        // The fixture's producers, and the points these tests name: scopes must exist.
        let stack = try await TestCatalogStack.make(engine)
        do {
            try await stack.ensureScopesExist(["diem-hue", "diem-ha-noi"], role: .pointStaff)
            try await body(UserStore(database: stack.database, passwordCost: 4), stack)
        } catch {
            try await stack.tearDown()
            throw error
        }
        try await stack.tearDown()
    }

    /// The fields named by the `.invalid` error that `call` throws.
    private func fieldsOf(_ call: () async throws -> Void) async -> [String] {
        let error = await #expect(throws: DomainError.self) { try await call() }
        #expect(error?.code == .invalid)
        return error?.issues.map(\.field) ?? []
    }

    // MARK: - Accounts

    @Test(arguments: TestEngine.all) func scopesThatNameNothingAreRefused(engine: TestEngine) async throws {
        try await withStore(engine) { store, stack in
            let fields = await fieldsOf {
                try await store.create(
                    username: "staff9", password: Self.password, role: .pointStaff, scopes: ["diem-hue", "diem-sau-nay"],
                    actor: "test", at: stack.clock.now())
            }
            #expect(fields == ["scopes"])
            let account = try await store.account(named: "staff9")
            #expect(account == nil)
        }
    }

    @Test(arguments: TestEngine.all) func aCreatedAccountListsWithItsScopesAndIsAuditedWithoutSecrets(
        engine: TestEngine
    ) async throws {
        try await withStore(engine) { store, stack in
            let created = try await store.create(
                username: "staff1", password: Self.password, role: .pointStaff,
                scopes: ["diem-hue", "diem-ha-noi", "diem-hue"], actor: "test", at: stack.clock.now())
            #expect(created.scopes == ["diem-ha-noi", "diem-hue"])
            #expect(try await store.list() == [created])
            #expect(try await store.account(named: "staff1")?.identity.actor == "user:staff1")

            let audit = try await stack.database.read { sql in
                try await sql.raw("SELECT actor, action, after_json FROM audit_log WHERE entity = 'user'").all()
            }
            #expect(audit.count == 1)
            let after = try audit[0].decode(column: "after_json", as: String.self)
            #expect(after.contains("\"username\":\"staff1\""))
            #expect(!after.contains(Self.password) && !after.contains("$2b$") && !after.contains("hash"))
        }
    }

    @Test(arguments: TestEngine.all) func aTakenUsernameIsAConflict(engine: TestEngine) async throws {
        try await withStore(engine) { store, stack in
            try await store.create(
                username: "office", password: Self.password, role: .admin, scopes: [], actor: "test",
                at: stack.clock.now())
            let error = await #expect(throws: DomainError.self) {
                try await store.create(
                    username: "office", password: Self.password, role: .admin, scopes: [], actor: "test",
                    at: stack.clock.now())
            }
            #expect(error?.code == .conflict)
            #expect(error?.issues.map(\.field) == ["username"])
        }
    }

    @Test(arguments: TestEngine.all) func concurrentCreatesOfOneUsernameLeaveExactlyOneAccount(engine: TestEngine)
        async throws
    {
        try await withStore(engine) { store, stack in
            let now = stack.clock.now()
            let codes = await withTaskGroup(of: DomainError.Code?.self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        do {
                            try await store.create(
                                username: "office", password: Self.password, role: .admin, scopes: [], actor: "test",
                                at: now)
                            return nil
                        } catch {
                            return (error as? DomainError)?.code ?? .invalid
                        }
                    }
                }
                return await group.reduce(into: [DomainError.Code?]()) { $0.append($1) }
            }
            #expect(codes.filter { $0 == nil }.count == 1)
            #expect(codes.filter { $0 == .conflict }.count == 4)
            let accounts = try await store.list()
            #expect(accounts.count == 1)
        }
    }

    @Test(arguments: ["ab", "Office", "có-dấu", "two words", "semi;colon", String(repeating: "a", count: 41), ""])
    func badUsernamesAreRejectedNamingTheField(username: String) async throws {
        try await withStore { store, stack in
            let fields = await fieldsOf {
                try await store.create(
                    username: username, password: Self.password, role: .admin, scopes: [], actor: "test",
                    at: stack.clock.now())
            }
            #expect(fields == ["username"])
        }
    }

    @Test(arguments: ["short", "nine char", String(repeating: "é", count: 40), "tab\tinside password"])
    func badPasswordsAreRejectedNamingTheField(password: String) async throws {
        try await withStore { store, stack in
            let fields = await fieldsOf {
                try await store.create(
                    username: "office", password: password, role: .admin, scopes: [], actor: "test",
                    at: stack.clock.now())
            }
            #expect(fields == ["password"])
        }
    }

    @Test(arguments: [
        (StaffRole.admin, ["diem-hue"]), (.pointStaff, []), (.fairManager, []), (.producer, []),
        (.producer, ["htx-a", "htx-b"]), (.pointStaff, ["Điểm Huế"]), (.fairManager, ["-hoi-cho"]),
    ])
    func scopesMustFitTheRole(role: StaffRole, scopes: [String]) async throws {
        try await withStore { store, stack in
            let fields = await fieldsOf {
                try await store.create(
                    username: "someone", password: Self.password, role: role, scopes: scopes, actor: "test",
                    at: stack.clock.now())
            }
            #expect(fields == ["scopes"])
        }
    }

    @Test(arguments: TestEngine.all) func everyBadFieldIsNamedAtOnce(engine: TestEngine) async throws {
        try await withStore(engine) { store, stack in
            let fields = await fieldsOf {
                try await store.create(
                    username: "X", password: "short", role: .producer, scopes: [], actor: "test", at: stack.clock.now())
            }
            #expect(fields == ["username", "password", "scopes"])
        }
    }

    // MARK: - Sessions

    @Test(arguments: TestEngine.all) func aTokenIsStoredOnlyAsItsHashAndResolvesToTheScopedIdentity(engine: TestEngine)
        async throws
    {
        try await withStore(engine) { store, stack in
            try await store.create(
                username: "maker", password: Self.password, role: .producer, scopes: ["htx-dong-xanh"], actor: "test",
                at: stack.clock.now())
            let session = try await store.createSession(
                username: "maker", lifetime: .seconds(60), at: stack.clock.now())
            let identity = try #require(try await store.identity(forToken: session.token, at: stack.clock.now()))
            #expect(identity.role == .producer)
            #expect(identity.canActForProducer("htx-dong-xanh"))
            #expect(!identity.canActForProducer("cong-ty-ha-noi"))

            let stored = try await stack.database.read { sql in
                try await sql.raw("SELECT token_hash FROM sessions").all().map {
                    try $0.decode(column: "token_hash", as: String.self)
                }
            }
            #expect(stored.count == 1)
            #expect(stored[0].count == 64 && stored[0] != session.token)
            #expect(try await store.identity(forToken: stored[0], at: stack.clock.now()) == nil)
        }
    }

    @Test(arguments: TestEngine.all) func aSessionEndsWhenItsLifetimeIsOver(engine: TestEngine) async throws {
        try await withStore(engine) { store, stack in
            try await store.create(
                username: "office", password: Self.password, role: .admin, scopes: [], actor: "test",
                at: stack.clock.now())
            let start = stack.clock.now()
            let session = try await store.createSession(username: "office", lifetime: .seconds(60), at: start)
            #expect(session.expiresAt == start.adding(seconds: 60))
            #expect(try await store.identity(forToken: session.token, at: start.adding(seconds: 59)) != nil)
            #expect(try await store.identity(forToken: session.token, at: start.adding(seconds: 60)) == nil)
        }
    }

    @Test(arguments: TestEngine.all) func aNewPasswordEndsTheSessionsAndReplacesTheOldOne(engine: TestEngine)
        async throws
    {
        try await withStore(engine) { store, stack in
            let now = stack.clock.now()
            try await store.create(
                username: "office", password: Self.password, role: .admin, scopes: [], actor: "test", at: now)
            let session = try await store.createSession(username: "office", lifetime: .seconds(60), at: now)
            try await store.setPassword(username: "office", password: "another long password", actor: "test", at: now)
            #expect(try await store.identity(forToken: session.token, at: now) == nil)
            guard
                case .rejected = try await store.login(
                    username: "office", password: Self.password, policy: Self.policy, at: now)
            else { Issue.record("the old password still works"); return }
            guard
                case .succeeded = try await store.login(
                    username: "office", password: "another long password", policy: Self.policy, at: now)
            else { Issue.record("the new password does not work"); return }
        }
    }

    @Test(arguments: TestEngine.all) func aDisabledAccountLosesItsSessionsAndCannotLogIn(engine: TestEngine)
        async throws
    {
        try await withStore(engine) { store, stack in
            let now = stack.clock.now()
            try await store.create(
                username: "staff1", password: Self.password, role: .pointStaff, scopes: ["diem-hue"], actor: "test",
                at: now)
            let session = try await store.createSession(username: "staff1", lifetime: .seconds(60), at: now)
            let disabled = try await store.disable(username: "staff1", actor: "test", at: now)
            #expect(disabled.isDisabled)
            #expect(try await store.identity(forToken: session.token, at: now) == nil)
            guard
                case .rejected = try await store.login(
                    username: "staff1", password: Self.password, policy: Self.policy, at: now)
            else { Issue.record("a disabled account logged in"); return }
        }
    }

    // MARK: - Throttling

    @Test(arguments: TestEngine.all) func failuresThrottleAUsernameUntilTheOldestAgesOut(engine: TestEngine)
        async throws
    {
        try await withStore(engine) { store, stack in
            let start = stack.clock.now()
            try await store.create(
                username: "office", password: Self.password, role: .admin, scopes: [], actor: "test", at: start)
            for step in 0..<3 {
                guard
                    case .rejected = try await store.login(
                        username: "office", password: "wrong password", policy: Self.policy,
                        at: start.adding(seconds: Int64(10 * step)))
                else { Issue.record("a wrong password was not rejected"); return }
            }
            let blocked = try await store.login(
                username: "office", password: Self.password, policy: Self.policy, at: start.adding(seconds: 30))
            guard case .throttled(let retryAfter) = blocked else { Issue.record("not throttled: \(blocked)"); return }
            // The first failure (at 0 s) leaves the 60 s window at 60 s.
            #expect(retryAfter == 30)
            guard
                case .succeeded = try await store.login(
                    username: "office", password: Self.password, policy: Self.policy, at: start.adding(seconds: 60))
            else { Issue.record("still throttled after the window"); return }
            let failures = try await stack.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM login_throttle").first()?.decode(column: "n", as: Int.self)
            }
            #expect(failures == 0)
        }
    }

    @Test(arguments: TestEngine.all) func concurrentGuessesCannotExceedTheLimit(engine: TestEngine) async throws {
        try await withStore(engine) { store, stack in
            let now = stack.clock.now()
            try await store.create(
                username: "office", password: Self.password, role: .admin, scopes: [], actor: "test", at: now)
            let outcomes = try await withThrowingTaskGroup(of: LoginOutcome.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await store.login(username: "office", password: "guess guess", policy: Self.policy, at: now)
                    }
                }
                return try await group.reduce(into: [LoginOutcome]()) { $0.append($1) }
            }
            let rejected = outcomes.filter { if case .rejected = $0 { true } else { false } }.count
            #expect(rejected == Self.policy.maxFailedLogins)
            #expect(outcomes.count - rejected == 10 - Self.policy.maxFailedLogins)
        }
    }
}
