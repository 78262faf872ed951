import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// SQLKit's view of a `SQLiteHandle`: the stores' SQL, builders and row decoding run unchanged, and
/// each statement executes on the caller's thread (see `SQLiteHandle`).
struct InlineSQLiteDatabase: SQLDatabase {
    let handle: SQLiteHandle
    let logger: Logger
    let eventLoop: any EventLoop
    var dialect: any SQLDialect { SQLiteDialect() }
    var version: (any SQLDatabaseReportedVersion)? { nil }

    private static let encoder = SQLiteDataEncoder()

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try run(query, onRow)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        let (sql, rawBinds) = serialize(query)
        if logger.logLevel <= .debug {
            logger.debug("Executing query", metadata: ["sql": .string(sql), "binds": .array(rawBinds.map { .string("\($0)") })])
        }
        let binds = try rawBinds.map(Self.data)
        try handle.run(sql, binds) { onRow(InlineSQLiteRow(values: $0)) }
    }

    /// Binds as SQLite values; the common Swift types directly, the rest through sqlite-kit's encoder.
    private static func data(_ value: any Encodable & Sendable) throws -> SQLiteData {
        switch value {
        case let text as String: return .text(text)
        case let number as Int: return .integer(number)
        case let optional as String?: return optional.map { .text($0) } ?? .null
        case let optional as Int?: return optional.map { .integer($0) } ?? .null
        default: return try encoder.encode(value)
        }
    }
}

/// A result row decoded as sqlite-kit decodes (`SQLiteDataConvertible`, else JSON), with the
/// column types the stores read most taken without a dynamic conformance lookup.
struct InlineSQLiteRow: SQLRow {
    let values: SQLiteValues
    private static let decoder = SQLiteDataDecoder()

    var allColumns: [String] { values.names }

    func contains(column: String) -> Bool { values.names.contains(column) }

    func decodeNil(column: String) throws -> Bool { (values.value(column) ?? .null) == .null }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let data = values.value(column) else {
            throw DecodingError.keyNotFound(
                SQLiteColumnKey(column), .init(codingPath: [], debugDescription: "no column '\(column)' in the row"))
        }
        if let value = Self.fast(data, as: type) { return value }
        return try Self.decoder.decode(D.self, from: data)
    }

    private static func fast<D>(_ data: SQLiteData, as type: D.Type) -> D? {
        if type == String.self, case .text(let text) = data { return text as? D }
        if type == Int.self, case .integer(let number) = data { return number as? D }
        if type == String?.self {
            if case .text(let text) = data { return String?.some(text) as? D }
            if case .null = data { return String?.none as? D }
        }
        if type == Int?.self {
            if case .integer(let number) = data { return Int?.some(number) as? D }
            if case .null = data { return Int?.none as? D }
        }
        return nil
    }
}

private struct SQLiteColumnKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
