public import OCOPDomain
import SQLKit

/// The programme office's monthly report (Decision 148 asks every unit to report monthly).
public struct MonthlyProgrammeReport: Sendable, Hashable, Codable {
    public struct ProvinceRow: Sendable, Hashable, Codable {
        public var province: String
        public var threeStar = 0
        public var fourStar = 0
        /// 4★ products awaiting the national 5★ evaluation.
        public var potentialFiveStar = 0
        public var fiveStar = 0
        public var total: Int { threeStar + fourStar + potentialFiveStar + fiveStar }

        enum CodingKeys: String, CodingKey { case province, threeStar, fourStar, potentialFiveStar, fiveStar, total }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(province, forKey: .province)
            try container.encode(threeStar, forKey: .threeStar)
            try container.encode(fourStar, forKey: .fourStar)
            try container.encode(potentialFiveStar, forKey: .potentialFiveStar)
            try container.encode(fiveStar, forKey: .fiveStar)
            try container.encode(total, forKey: .total)
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            province = try container.decode(String.self, forKey: .province)
            threeStar = try container.decode(Int.self, forKey: .threeStar)
            fourStar = try container.decode(Int.self, forKey: .fourStar)
            potentialFiveStar = try container.decode(Int.self, forKey: .potentialFiveStar)
            fiveStar = try container.decode(Int.self, forKey: .fiveStar)
        }

        init(province: String) { self.province = province }
    }

    public struct CertificateEvent: Sendable, Hashable, Codable {
        public var product: String
        public var certificateNumber: String
        public var stars: Int
        public var on: String
    }

    public struct SalesRow: Sendable, Hashable, Codable {
        public var key: String
        public var salesCount: Int
        public var revenue: Int
    }

    /// "2026-11".
    public var month: String
    /// The day the counts are taken on: the month's last day, or today for the current month.
    public var asOf: String
    public var productsByProvince: [ProvinceRow]
    public var newlyCertified: [CertificateEvent]
    public var reRecognised: [CertificateEvent]
    public var expired: [CertificateEvent]
    public var revoked: [CertificateEvent]
    public var expiringNext90Days: [CertificateEvent]
    /// counter (display points), fairs (stalls), livestreams, marketplaces.
    public var salesByChannel: [SalesRow]
    public var salesByPoint: [SalesRow]
    /// The year's local plans and their progress on `asOf`.
    public var plans: [PlanProgressRow] = []
    /// What the figures cannot show.
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case month, asOf, productsByProvince, newlyCertified, reRecognised, expired, revoked, salesByChannel, salesByPoint
        case notes, plans
        // Spelled out: the snake_case conversion would write "next90".
        case expiringNext90Days = "expiring_next_90_days"
    }
}

/// One plan in the monthly report: each target with what the records count.
public struct PlanProgressRow: Sendable, Hashable, Codable {
    public struct Target: Sendable, Hashable, Codable {
        public var kind: String
        public var label: String
        public var target: Int
        public var done: Int
    }

    public var plan: Int
    public var locality: String
    public var localityName: String
    public var year: Int
    public var decisionNumber: String
    public var title: String
    public var targets: [Target]

    init(_ record: PlanRecord) {
        plan = record.id
        locality = record.locality
        localityName = record.localityName
        year = record.year
        decisionNumber = record.decisionNumber
        title = record.title
        targets = record.targets.map { Target(kind: $0.kind.rawValue, label: $0.label, target: $0.target, done: $0.done) }
    }
}

/// Builds the programme's reports from the catalog, the certificate history and the sales ledger.
public struct ProgrammeReports: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// The report for `month` ("YYYY-MM"), counted on its last day (or `today` while it runs).
    public func monthly(_ month: String, today: CalendarDate) async throws -> MonthlyProgrammeReport {
        guard let first = CalendarDate(iso: month + "-01"), month.utf8.count == 7 else {
            throw DomainError.invalid(field: "month", "a month as YYYY-MM")
        }
        guard first <= today else { throw DomainError.invalid(field: "month", "not a month that has begun") }
        let asOf = min(first.lastDayOfMonth, today)
        let next = first.lastDayOfMonth.adding(days: 1)
        let catalog = try await CatalogStore(database: database).load()

        var provinces: [String: MonthlyProgrammeReport.ProvinceRow] = [:]
        var newly: [MonthlyProgrammeReport.CertificateEvent] = []
        var again: [MonthlyProgrammeReport.CertificateEvent] = []
        var expired: [MonthlyProgrammeReport.CertificateEvent] = []
        var revoked: [MonthlyProgrammeReport.CertificateEvent] = []
        var expiring: [MonthlyProgrammeReport.CertificateEvent] = []
        func event(_ product: Product, _ certificate: Certificate, _ day: CalendarDate) -> MonthlyProgrammeReport.CertificateEvent {
            .init(product: product.slug, certificateNumber: certificate.number, stars: certificate.stars.value, on: day.description)
        }
        let inMonth = { (day: CalendarDate) in first <= day && day < next }
        for product in catalog.products {
            if let current = PublicationRule.currentCertificate(among: product.certificates, on: asOf) {
                var row = provinces[product.provinceCode] ?? .init(province: product.provinceCode)
                switch current.stars.value {
                case 5: row.fiveStar += 1
                case 4 where current.potentialFiveStar: row.potentialFiveStar += 1
                case 4: row.fourStar += 1
                default: row.threeStar += 1
                }
                provinces[product.provinceCode] = row
            }
            for certificate in product.certificates where certificate.stars >= StarRating.certifiedMinimum {
                if inMonth(certificate.issuedOn) {
                    let earlier = product.certificates.contains { $0.issuedOn < certificate.issuedOn }
                    (earlier ? { again.append($0) } : { newly.append($0) })(event(product, certificate, certificate.issuedOn))
                }
                if let revokedOn = certificate.revokedOn, inMonth(revokedOn) {
                    revoked.append(event(product, certificate, revokedOn))
                }
                // Expired in the month: its last valid day passed then, and it was not revoked first.
                if inMonth(certificate.expiresOn), certificate.revokedOn.map({ $0 >= certificate.expiresOn }) ?? true,
                    certificate.expiresOn <= today
                {
                    expired.append(event(product, certificate, certificate.expiresOn))
                }
                if certificate.status(on: asOf) == .valid, certificate.expiresOn > asOf,
                    certificate.expiresOn <= asOf.adding(days: 90)
                {
                    expiring.append(event(product, certificate, certificate.expiresOn))
                }
            }
        }
        let byDay = { (a: MonthlyProgrammeReport.CertificateEvent, b: MonthlyProgrammeReport.CertificateEvent) in
            (a.on, a.product) < (b.on, b.product)
        }
        let (channels, points) = try await sales(from: first.startInVietnam, to: next.startInVietnam)
        return MonthlyProgrammeReport(
            month: month, asOf: asOf.description,
            productsByProvince: provinces.values.sorted { $0.province < $1.province },
            newlyCertified: newly.sorted(by: byDay), reRecognised: again.sorted(by: byDay),
            expired: expired.sorted(by: byDay), revoked: revoked.sorted(by: byDay),
            expiringNext90Days: expiring.sorted(by: byDay), salesByChannel: channels, salesByPoint: points,
            plans: try await PlanStore(database: database).list(year: first.year, asOf: asOf).map(PlanProgressRow.init),
            notes: [
                "marketplaces: Shopee, Lazada, TikTok Shop and Tiki orders come back through the platforms' pushes and pulls and count here once paid, with Facebook and Zalo orders staff recorded."
            ])
    }

    /// Sales on the ledger between two instants: by channel (fair stalls count as fairs) and by point.
    func sales(from: Moment, to: Moment) async throws -> (
        channels: [MonthlyProgrammeReport.SalesRow], points: [MonthlyProgrammeReport.SalesRow]
    ) {
        try await database.read { sql in
            let rows = try await sql.raw(
                """
                SELECT s.point_slug, p.location_type, s.channel, CAST(COUNT(*) AS BIGINT) AS n,
                    CAST(SUM(s.total - COALESCE(
                        -- Units of a marketplace order cancelled on their own after its sale came back.
                        (SELECT SUM(l.restocked * l.unit_price) FROM marketplace_orders m
                         JOIN marketplace_order_lines l ON l.order_id = m.id WHERE m.sale_id = s.id), 0)) AS BIGINT) AS revenue
                FROM sales s JOIN points p ON p.slug = s.point_slug
                WHERE s.at >= \(bind: ISOTimestamp.string(from)) AND s.at < \(bind: ISOTimestamp.string(to))
                    -- A marketplace order cancelled or returned after its sale gave its goods back.
                    AND NOT EXISTS (SELECT 1 FROM marketplace_orders m WHERE m.sale_id = s.id AND m.stock_state = 'restocked')
                GROUP BY s.point_slug, p.location_type, s.channel
                """
            ).all()
            var channels: [String: (Int, Int)] = ["counter": (0, 0), "fairs": (0, 0), "livestreams": (0, 0), "marketplaces": (0, 0)]
            var points: [String: (Int, Int)] = [:]
            for row in rows {
                let point = try row.decode(column: "point_slug", as: String.self)
                let count = try row.decode(column: "n", as: Int.self)
                let revenue = try row.decode(column: "revenue", as: Int.self)
                let channel: String =
                    switch try row.decode(column: "channel", as: String.self) {
                    case "livestream": "livestreams"
                    // Facebook and Zalo orders are entered by staff: Meta has no order API to pull.
                    case "marketplace", "facebook", "zalo": "marketplaces"
                    case _ where try row.decode(column: "location_type", as: String.self) == "fair_stall": "fairs"
                    default: "counter"
                    }
                channels[channel, default: (0, 0)].0 += count
                channels[channel, default: (0, 0)].1 += revenue
                points[point, default: (0, 0)].0 += count
                points[point, default: (0, 0)].1 += revenue
            }
            let order = ["counter", "fairs", "livestreams", "marketplaces"]
            return (
                order.map { .init(key: $0, salesCount: channels[$0]!.0, revenue: channels[$0]!.1) },
                points.keys.sorted().map { .init(key: $0, salesCount: points[$0]!.0, revenue: points[$0]!.1) }
            )
        }
    }
}
