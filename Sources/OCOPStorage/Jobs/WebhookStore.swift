import Foundation
public import OCOPDomain
import SQLKit

/// A partner endpoint told about catalog changes (e.g. a province portal that purges its cache).
public struct WebhookSubscription: Sendable, Hashable, Codable {
    public var id: Int
    public var event: String
    public var url: String
    /// The producer told by a `certificate.expiring` subscription; nil for partner subscriptions.
    public var producer: String?
    public var createdAt: String
    public var createdBy: String
}

/// Webhook subscriptions, and the jobs that deliver their events. Secrets sign deliveries and are
/// never read back out through the API.
public struct WebhookStore: Sendable {
    /// The events a subscription may name.
    public static let events: Set = ["catalog.changed", CertificateNotices.event]
    public static let jobKind = "webhook"

    private let database: Database

    public init(database: Database) { self.database = database }

    /// A subscription; `certificate.expiring` ones name the producer they belong to.
    /// `destinationProblem` is the server's rule of where it may connect (nil: anywhere).
    public func create(
        event: String, url: String, secret: String, producer: String? = nil, actor: String, at now: Moment,
        destinationProblem: (String) -> String? = { _ in nil }
    ) async throws -> WebhookSubscription {
        let operation = try creating(
            event: event, url: url, secret: secret, producer: producer, actor: actor, at: now,
            destinationProblem: destinationProblem)
        return try await database.transaction { sql in try await operation.body(sql) }
    }

    /// `create` for the write pipeline: the fields are checked now (throwing), the subscription
    /// is written by the operation.
    public func creating(
        event: String, url: String, secret: String, producer: String? = nil, actor: String, at now: Moment,
        destinationProblem: (String) -> String? = { _ in nil }
    ) throws -> StoreOperation<WebhookSubscription> {
        var issues: [DomainError.FieldIssue] = []
        if !Self.events.contains(event) {
            issues.append(.init(field: "event", reason: "one of \(Self.events.sorted().joined(separator: ", "))"))
        }
        if let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil {
            if let problem = destinationProblem(url) { issues.append(.init(field: "url", reason: problem)) }
        } else {
            issues.append(.init(field: "url", reason: "an absolute http or https URL"))
        }
        if secret.utf8.count < 16 { issues.append(.init(field: "secret", reason: "at least 16 characters")) }
        if event == CertificateNotices.event && producer == nil {
            issues.append(.init(field: "producer", reason: "required: the producer whose certificates are watched"))
        } else if event != CertificateNotices.event && producer != nil {
            issues.append(.init(field: "producer", reason: "only for \(CertificateNotices.event)"))
        }
        guard issues.isEmpty else { throw DomainError(.invalid, "invalid webhook", issues: issues) }
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            if let producer, try await sql.raw("SELECT slug FROM producers WHERE slug = \(bind: producer)").first() == nil {
                throw DomainError.invalid(field: "producer", "no producer '\(producer)'")
            }
            let id = try await sql.raw(
                """
                INSERT INTO webhook_subscriptions (event, url, secret, producer_slug, created_at, created_by)
                VALUES (\(bind: event), \(bind: url), \(bind: secret), \(bind: producer), \(bind: timestamp), \(bind: actor))
                RETURNING id
                """
            ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await AuditLog.append(
                sql, actor: actor, action: "create", entity: "webhook", entityID: String(id), before: nil,
                after: try CanonicalJSON.encode(["event": event, "url": url]), at: timestamp)
            return WebhookSubscription(
                id: id, event: event, url: url, producer: producer, createdAt: timestamp, createdBy: actor)
        }
    }

    /// Every subscription, or only one producer's.
    public func list(producer: String? = nil) async throws -> [WebhookSubscription] {
        try await database.read { sql in
            let filter: SQLQueryString = producer.map { "WHERE producer_slug = \(bind: $0)" } ?? ""
            return try await sql.raw(
                "SELECT id, event, url, producer_slug, created_at, created_by FROM webhook_subscriptions \(filter) ORDER BY id"
            ).all().map(Self.subscription(from:))
        }
    }

    /// Removes a subscription; its pending deliveries find it gone and are dropped.
    /// With `producer`, only that producer's own subscription is removed (others read as unknown).
    public func delete(id: Int, producer: String? = nil, actor: String, at now: Moment) async throws {
        _ = try await database.perform(deleting(id: id, producer: producer, actor: actor, at: now))
    }

    /// `delete` as one operation of the write pipeline, answering the id removed.
    public func deleting(id: Int, producer: String? = nil, actor: String, at now: Moment) -> StoreOperation<Int> {
        StoreOperation { sql in
            let owner: SQLQueryString = producer.map { " AND producer_slug = \(bind: $0)" } ?? ""
            guard
                try await sql.raw("DELETE FROM webhook_subscriptions WHERE id = \(bind: id)\(owner) RETURNING id").first()
                    != nil
            else { throw DomainError(.notFound, "no webhook \(id)") }
            try await AuditLog.append(
                sql, actor: actor, action: "delete", entity: "webhook", entityID: String(id), before: nil, after: nil,
                at: ISOTimestamp.string(now))
            return id
        }
    }

    /// The URL and signing secret of a subscription, for the worker.
    public func target(id: Int) async throws -> (url: String, secret: String)? {
        try await database.read { sql in
            try await sql.raw("SELECT url, secret FROM webhook_subscriptions WHERE id = \(bind: id)").first().map { row in
                (try row.decode(column: "url", as: String.self), try row.decode(column: "secret", as: String.self))
            }
        }
    }

    /// Queues one delivery of `event` per subscriber, inside the caller's transaction.
    static func enqueue(event: String, data: some Encodable, in sql: any SQLDatabase, at now: Moment) async throws {
        let subscribers = try await sql.raw("SELECT id FROM webhook_subscriptions WHERE event = \(bind: event)").all()
        for row in subscribers {
            let payload = WebhookPayload(
                subscription: try row.decode(column: "id", as: Int.self), event: event, data: data, at: now)
            try await JobQueue.enqueue(kind: jobKind, payload: try CanonicalJSON.encode(payload), in: sql, at: now)
        }
    }

    private static func subscription(from row: any SQLRow) throws -> WebhookSubscription {
        WebhookSubscription(
            id: try row.decode(column: "id", as: Int.self), event: try row.decode(column: "event", as: String.self),
            url: try row.decode(column: "url", as: String.self),
            producer: try row.decode(column: "producer_slug", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: String.self),
            createdBy: try row.decode(column: "created_by", as: String.self))
    }
}
