import ArgumentParser

@main
struct OCOPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocop",
        abstract: "The OCOP catalog and showroom service.",
        subcommands: [Serve.self, Import.self, Migrate.self, MigrateDB.self, Backup.self, Restore.self, User.self, Report.self],
        defaultSubcommand: Serve.self
    )
}
