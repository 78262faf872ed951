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
            // Bound values are never logged, at any level: they carry secrets, password hashes and
            // buyers' phones and addresses. Their count is enough to read a query log.
            logger.debug("Executing query", metadata: ["sql": .string(sql), "binds": .string("\(rawBinds.count) values")])
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
        // The common column types without a dynamic cast: the metatype is compared by identity and
        // the value reinterpreted as that very type. Nothing here may mention `D?` or `String?.self`
        // in generic code: either looks its metadata up in the runtime's cache on every call.
        let id = ObjectIdentifier(type)
        switch data {
        case .text(let text):
            if id == Types.string { return unsafeBitCast(text, to: D.self) }
            if id == Types.optionalString { return unsafeBitCast(Types.some(text), to: D.self) }
        case .integer(let number):
            if id == Types.int { return unsafeBitCast(number, to: D.self) }
            if id == Types.optionalInt { return unsafeBitCast(Types.some(number), to: D.self) }
            if id == Types.double { return unsafeBitCast(Double(number), to: D.self) }
        case .float(let number):
            if id == Types.double { return unsafeBitCast(number, to: D.self) }
        case .null:
            if id == Types.optionalString { return unsafeBitCast(Types.noString, to: D.self) }
            if id == Types.optionalInt { return unsafeBitCast(Types.noInt, to: D.self) }
        case .blob:
            break
        }
        return try Self.decoder.decode(D.self, from: data)
    }

    private enum Types {
        static let string = ObjectIdentifier(String.self)
        static let optionalString = ObjectIdentifier(String?.self)
        static let int = ObjectIdentifier(Int.self)
        static let optionalInt = ObjectIdentifier(Int?.self)
        static let double = ObjectIdentifier(Double.self)
        static let noString: String? = nil
        static let noInt: Int? = nil
        static func some(_ text: String) -> String? { text }
        static func some(_ number: Int) -> Int? { number }
    }
}

private struct SQLiteColumnKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
