public import OCOPDomain
import SQLKit

/// The rules for stock at fair stalls, checked inside the movement's transaction.
///
/// `StockStore.requirePoint` (called by every receipt, sale, adjustment, count and dispatch) calls
/// `checkMovement`; for ordinary points it is one indexed lookup and nothing else. The movement's
/// kind and instant travel in a task-local set by `FairStallStock`, because the shared movement
/// methods do not pass them to `requirePoint`: a stall movement without them came through the plain
/// point endpoints and is refused, so every stall movement passes the fair's checks.
public enum FairStallRules {
    /// What is moving, set around a store call by the fair stall operations.
    struct Movement: Sendable {
        var kind: StockMovementKind
        var at: Moment
    }

    @TaskLocal static var current: Movement?

    /// Refuses goods sent to a stall that has been closed (they could never be received there).
    static func requireOpenDestination(_ point: String, _ sql: any SQLDatabase) async throws {
        guard
            let row = try await sql.raw(
                "SELECT code, fair_slug, closed_at FROM fair_stalls WHERE point_slug = \(bind: point)"
            ).first(),
            let closedAt = try row.decode(column: "closed_at", as: String?.self)
        else { return }
        let code = try row.decode(column: "code", as: String.self)
        let fair = try row.decode(column: "fair_slug", as: String.self)
        throw DomainError(
            .conflict, "stall \(code) of fair '\(fair)' was closed at \(closedAt); it takes no further goods",
            issues: [.init(field: "to", reason: "a closed stall")])
    }

    /// Refuses movements at a closed or unallocated stall, sales outside the fair's days, and any
    /// stall movement that did not come through the fair endpoints. A no-op for ordinary points.
    static func checkMovement(point: String, sql: any SQLDatabase) async throws {
        guard
            let row = try await sql.raw(
                """
                SELECT s.code, s.producer_slug, s.closed_at AS stall_closed_at, f.*
                FROM fair_stalls s JOIN fairs f ON f.slug = s.fair_slug
                WHERE s.point_slug = \(bind: point)
                """
            ).first()
        else { return }
        let fair = try FairStore.fair(from: row)
        let code = try row.decode(column: "code", as: String.self)
        guard let movement = current else {
            throw DomainError(
                .conflict, "stock at stall \(code) of fair '\(fair.slug)' moves only through /v1/fairs/\(fair.slug)/stalls/\(code)/…")
        }
        try check(
            movement, fair: fair, stall: code, producer: try row.decode(column: "producer_slug", as: String?.self),
            closedAt: try row.decode(column: "stall_closed_at", as: String?.self))
    }

    /// The rule itself, for callers that hold the stall already.
    static func check(_ movement: Movement, fair: Fair, stall code: String, producer: String?, closedAt: String?) throws {
        if let closedAt {
            throw DomainError(.conflict, "stall \(code) of fair '\(fair.slug)' was closed at \(closedAt); it takes no further movement")
        }
        guard producer != nil else {
            throw DomainError(.conflict, "stall \(code) of fair '\(fair.slug)' is not allocated to a producer")
        }
        if movement.kind == .sale, !fair.acceptsSales(at: movement.at) {
            throw DomainError(
                .conflict,
                "fair '\(fair.slug)' sells only while open, \(fair.datesText)"
                    + (fair.closedAt.map { "; it was closed at \($0)" } ?? ""))
        }
    }

    /// Runs `body` as a stall movement of `kind` at `now`.
    static func moving<T>(_ kind: StockMovementKind, at now: Moment, _ body: () async throws -> T) async throws -> T {
        try await $current.withValue(Movement(kind: kind, at: now)) { try await body() }
    }
}
