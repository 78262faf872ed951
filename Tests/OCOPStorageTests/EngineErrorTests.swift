import OCOPDomain
import SQLKit
import Testing
import TestSupport

@testable import OCOPStorage

/// Stores tell a taken key from other refusals by the engine's error code, on both engines.
@Suite struct EngineErrorTests {
    private func failure(_ stack: TestCatalogStack, _ statement: SQLQueryString) async -> (any Error)? {
        do {
            try await stack.database.transaction { sql in try await sql.raw(statement).run() }
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: TestEngine.all)
    func aTakenKeyIsAUniqueViolationAndOtherRefusalsAreNot(engine: TestEngine) async throws {
        let stack = try await TestCatalogStack.make(engine, importFixture: false)
        let taken = await failure(stack, "INSERT INTO catalog_revision (id, revision) VALUES (1, 7)")
        #expect(taken.map(EngineError.isUniqueViolation) == true)
        let missingColumn = await failure(stack, "INSERT INTO points (slug) VALUES ('diem-thieu')")
        #expect(missingColumn != nil)
        #expect(missingColumn.map(EngineError.isUniqueViolation) == false)
        let badSQL = await failure(stack, "INSERT INTO no_such_table VALUES (1)")
        #expect(badSQL.map(EngineError.isUniqueViolation) == false)
        #expect(!EngineError.isUniqueViolation(DomainError(.conflict, "unique")))
        try await stack.tearDown()
    }
}
