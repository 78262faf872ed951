import ArgumentParser
import Foundation
import OCOPDomain
import OCOPStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage staff accounts (passwords are read from standard input).",
        subcommands: [Add.self, List.self, SetPassword.self, Disable.self])
}

extension User {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account; the password is the first line of standard input.",
            discussion: "Example: echo 'a long secret' | ocop user add hanh --role point_staff --scope diem-ha-noi")

        @OptionGroup var options: CommonOptions

        @Argument(help: "3 to 40 characters of a-z, 0-9, '.', '_' and '-'.")
        var username: String

        @Option(help: "\(StaffRole.allCases.map(\.rawValue).joined(separator: ", ")).")
        var role: String

        @Option(name: .customLong("scope"), help: "A point, fair or producer slug; repeat for several.")
        var scopes: [String] = []

        func validate() throws {
            guard StaffRole(rawValue: role) != nil else {
                throw ValidationError("--role: one of \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            guard let role = StaffRole(rawValue: role) else { throw ExitCode.validationFailure }
            let password = try readPassword()
            try await withUserStore(options) { store in
                let account = try await store.create(
                    username: username, password: password, role: role, scopes: scopes, actor: cliActor,
                    at: SystemWallClock().now())
                print("created \(describe(account))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await withUserStore(options) { store in
                var after: String?
                repeat {
                    let page = try await store.list(after: after, limit: 100)
                    for account in page { print(describe(account)) }
                    after = page.count == 100 ? page.last?.username : nil
                } while after != nil
            }
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace an account's password (first line of standard input) and end its sessions.")

        @OptionGroup var options: CommonOptions

        @Argument var username: String

        func run() async throws {
            let password = try readPassword()
            try await withUserStore(options) { store in
                try await store.setPassword(
                    username: username, password: password, actor: cliActor, at: SystemWallClock().now())
                print("password changed for \(username); their sessions are ended")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop an account from logging in and end its sessions.")

        @OptionGroup var options: CommonOptions

        @Argument var username: String

        func run() async throws {
            try await withUserStore(options) { store in
                let account = try await store.disable(username: username, actor: cliActor, at: SystemWallClock().now())
                print("disabled \(describe(account))")
            }
        }
    }
}

// MARK: - Shared by the user subcommands

private var cliActor: String { "cli:\(NSUserName())" }

private func describe(_ account: UserAccount) -> String {
    let scopes = account.scopes.isEmpty ? "" : " [\(account.scopes.joined(separator: ", "))]"
    let disabled = account.disabledAt.map { " disabled since \($0)" } ?? ""
    return "\(account.username) \(account.role.rawValue)\(scopes)\(disabled)"
}

/// The first line of standard input, without echo when it is a terminal; an empty one is refused.
private func readPassword() throws -> String {
    let line: String?
    if isatty(STDIN_FILENO) == 1, let typed = getpass("Password: ") {
        line = String(cString: typed)
    } else {
        line = readLine(strippingNewline: true)
    }
    guard let password = line?.trimmingCharacters(in: CharacterSet(charactersIn: "\r")), !password.isEmpty else {
        FileHandle.standardError.write(Data("error: no password on standard input (give it as the first line)\n".utf8))
        throw ExitCode(1)
    }
    return password
}

/// Opens the migrated database, runs `body`, closes it; a domain error is printed as "field: reason" and exits 1.
private func withUserStore(_ options: CommonOptions, _ body: (UserStore) async throws -> Void) async throws {
    let logger = try options.bootstrapLogging()
    let database = try await options.openMigratedDatabase(logger: logger)
    do {
        try await body(UserStore(database: database))
        try await database.close()
    } catch let error as DomainError {
        try? await database.close()
        let lines = error.issues.isEmpty ? [error.message] : error.issues.map { "\($0.field): \($0.reason)" }
        for line in lines { FileHandle.standardError.write(Data("error: \(line)\n".utf8)) }
        throw ExitCode(1)
    } catch {
        try? await database.close()
        throw error
    }
}
