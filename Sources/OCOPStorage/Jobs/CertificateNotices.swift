public import OCOPDomain
import SQLKit

/// A notice told (or to be told) to a producer.
public struct CertificateNotice: Sendable, Hashable, Codable {
    public var product: String
    public var certificateNumber: String
    public var kind: String
    public var producer: String
    public var expiresOn: String
    public var createdAt: String
    /// Webhook deliveries queued for it; 0 when the producer has no notice webhook.
    public var deliveries: Int
}

/// Warns producers before their certificates expire: at 30 days, once per certificate.
///
/// The notice row's key (product, certificate, kind) is claimed with `ON CONFLICT DO NOTHING` in
/// the transaction that queues the deliveries, so however many nodes scan, each notice is queued
/// once; the job queue then retries each delivery until the producer's endpoint takes it. A notice
/// that found no endpoint is kept (producers and the office read it over the API) and delivered
/// once if the producer subscribes before the certificate expires.
public struct CertificateNotices: Sendable {
    public static let event = "certificate.expiring"
    public static let kind = "expiry-30"
    public static let leadDays = 30

    private let database: Database

    public init(database: Database) { self.database = database }

    /// Creates the notices due on `day` and queues their deliveries; returns the new notices.
    @discardableResult
    public func issueDue(on day: CalendarDate, at now: Moment) async throws -> [CertificateNotice] {
        let until = day.adding(days: Self.leadDays).description
        let timestamp = ISOTimestamp.string(now)
        return try await database.transaction { sql in
            let due = try await sql.raw(
                """
                SELECT c.product_slug, c.number, c.expires_on, p.producer_slug
                FROM certificates c JOIN products p ON p.slug = c.product_slug
                WHERE p.withdrawn_at IS NULL AND c.revoked_on IS NULL AND c.stars >= 3
                    AND c.expires_on > \(bind: day.description) AND c.expires_on <= \(bind: until)
                    AND NOT EXISTS (
                        SELECT 1 FROM certificate_notices n
                        WHERE n.product_slug = c.product_slug AND n.certificate_number = c.number
                            AND n.kind = \(bind: Self.kind) AND n.deliveries > 0)
                ORDER BY c.expires_on, c.product_slug
                """
            ).all()
            var issued: [CertificateNotice] = []
            for row in due {
                let product = try row.decode(column: "product_slug", as: String.self)
                let number = try row.decode(column: "number", as: String.self)
                let expiresOn = try row.decode(column: "expires_on", as: String.self)
                let producer = try row.decode(column: "producer_slug", as: String.self)
                let subscribers = try await sql.raw(
                    """
                    SELECT id FROM webhook_subscriptions
                    WHERE event = \(bind: Self.event) AND producer_slug = \(bind: producer) ORDER BY id
                    """
                ).all().map { try $0.decode(column: "id", as: Int.self) }
                var claimed = try await sql.raw(
                    """
                    INSERT INTO certificate_notices (product_slug, certificate_number, kind, producer_slug, expires_on,
                        created_at, deliveries)
                    VALUES (\(bind: product), \(bind: number), \(bind: Self.kind), \(bind: producer), \(bind: expiresOn),
                        \(bind: timestamp), \(bind: subscribers.count))
                    ON CONFLICT (product_slug, certificate_number, kind) DO NOTHING
                    RETURNING product_slug
                    """
                ).first() != nil
                if !claimed && !subscribers.isEmpty {
                    // Kept without an endpoint before; the producer has one now.
                    claimed = try await sql.raw(
                        """
                        UPDATE certificate_notices SET deliveries = \(bind: subscribers.count)
                        WHERE product_slug = \(bind: product) AND certificate_number = \(bind: number)
                            AND kind = \(bind: Self.kind) AND deliveries = 0
                        RETURNING product_slug
                        """
                    ).first() != nil
                }
                guard claimed else { continue }
                let daysLeft = CalendarDate(iso: expiresOn).map { $0.daysSince1970 - day.daysSince1970 } ?? 0
                let data = NoticeData(
                    product: product, certificateNumber: number, expiresOn: expiresOn, daysLeft: daysLeft,
                    producer: producer)
                for subscription in subscribers {
                    let payload = WebhookPayload(subscription: subscription, event: Self.event, data: data, at: now)
                    try await JobQueue.enqueue(
                        kind: WebhookStore.jobKind, payload: try CanonicalJSON.encode(payload), in: sql, at: now)
                }
                issued.append(
                    CertificateNotice(
                        product: product, certificateNumber: number, kind: Self.kind, producer: producer,
                        expiresOn: expiresOn, createdAt: timestamp, deliveries: subscribers.count))
            }
            return issued
        }
    }

    private struct NoticeData: Encodable {
        var product: String
        var certificateNumber: String
        var expiresOn: String
        var daysLeft: Int
        var producer: String

        enum CodingKeys: String, CodingKey {
            case product, producer
            case certificateNumber = "certificate_number"
            case expiresOn = "expires_on"
            case daysLeft = "days_left"
        }
    }

    /// Notices issued so far, newest first; only one producer's when given.
    public func list(producer: String?) async throws -> [CertificateNotice] {
        try await database.read { sql in
            let filter: SQLQueryString = producer.map { "WHERE producer_slug = \(bind: $0)" } ?? ""
            return try await sql.raw(
                """
                SELECT * FROM certificate_notices \(filter) ORDER BY created_at DESC, product_slug
                """
            ).all().map { row in
                CertificateNotice(
                    product: try row.decode(column: "product_slug", as: String.self),
                    certificateNumber: try row.decode(column: "certificate_number", as: String.self),
                    kind: try row.decode(column: "kind", as: String.self),
                    producer: try row.decode(column: "producer_slug", as: String.self),
                    expiresOn: try row.decode(column: "expires_on", as: String.self),
                    createdAt: try row.decode(column: "created_at", as: String.self),
                    deliveries: try row.decode(column: "deliveries", as: Int.self))
            }
        }
    }
}
