import OCOPDomain
import SQLKit

/// Counts a plan's progress from the service's own records, in the plan's locality and year
/// (calendar days and timestamps in Vietnam time). Revoked certificates count for nothing: a
/// product that lost its stars is not a result of the plan.
enum PlanProgress {
    /// What a target of `kind` counts; with `asOf`, only what had happened by the end of that day
    /// (the monthly report of a past month shows the progress it had then).
    static func counted(
        _ kind: PlanTargetKind, locality: PlanLocality, year: Int, asOf: CalendarDate? = nil, _ sql: any SQLDatabase
    ) async throws -> [PlanCountedRecord] {
        let yearEnd = CalendarDate(year: year, month: 12, day: 31)!
        let lastDay = asOf.map { min($0, yearEnd) } ?? yearEnd
        let first = "\(year)-01-01", last = lastDay.description
        let from = ISOTimestamp.string(CalendarDate(year: year, month: 1, day: 1)!.startInVietnam)
        let until = ISOTimestamp.string(lastDay.adding(days: 1).startInVietnam)
        let (column, code): (String, String) =
            switch locality {
            case .province(let code): ("province_code", code)
            case .commune(let code, _): ("commune_code", code)
            }
        // `column` is one of two fixed names, never input.
        let place = SQLRaw("p.\(column)")
        switch kind {
        case .newProducts, .reEvaluated, .potentialFiveStar:
            let earlier: SQLQueryString =
                "EXISTS (SELECT 1 FROM certificates e WHERE e.product_slug = c.product_slug AND e.stars >= 3 AND e.issued_on < c.issued_on)"
            let condition: SQLQueryString =
                switch kind {
                case .newProducts: "NOT \(earlier)"
                case .reEvaluated: earlier
                default: "(c.potential_five_star = 1 OR c.stars = 5)"
                }
            return try await sql.raw(
                """
                SELECT c.product_slug AS ref, p.name_vi AS name, c.number AS detail, c.issued_on AS on_day
                FROM certificates c JOIN products p ON p.slug = c.product_slug
                WHERE c.stars >= 3 AND c.revoked_on IS NULL AND c.issued_on >= \(bind: first)
                    AND c.issued_on <= \(bind: last) AND \(place) = \(bind: code) AND \(condition)
                ORDER BY c.issued_on, c.product_slug
                """
            ).all().map(record)
        case .newPoints:
            return try await sql.raw(
                """
                SELECT p.slug AS ref, p.name AS name, NULL AS detail, p.created_at AS on_day FROM points p
                WHERE p.created_at >= \(bind: from) AND p.created_at < \(bind: until) AND \(place) = \(bind: code)
                    AND NOT EXISTS (SELECT 1 FROM fair_stalls s WHERE s.point_slug = p.slug)
                ORDER BY p.created_at, p.slug
                """
            ).all().map(record)
        case .fairs:
            // A province counts the fairs held in it; a commune the fairs its producers had a stall at.
            if case .province = locality {
                return try await sql.raw(
                    """
                    SELECT p.slug AS ref, p.name AS name, NULL AS detail, p.opens_on AS on_day FROM fairs p
                    WHERE p.opens_on >= \(bind: first) AND p.opens_on <= \(bind: last) AND p.province_code = \(bind: code)
                    ORDER BY p.opens_on, p.slug
                    """
                ).all().map(record)
            }
            return try await sql.raw(
                """
                SELECT f.slug AS ref, f.name AS name, NULL AS detail, f.opens_on AS on_day FROM fairs f
                WHERE f.opens_on >= \(bind: first) AND f.opens_on <= \(bind: last) AND EXISTS (
                    SELECT 1 FROM fair_allocations a JOIN producers p ON p.slug = a.producer_slug
                    WHERE a.fair_slug = f.slug AND a.released_at IS NULL AND p.commune_code = \(bind: code))
                ORDER BY f.opens_on, f.slug
                """
            ).all().map(record)
        case .livestreams:
            return try await sql.raw(
                """
                SELECT l.slug AS ref, l.title AS name, NULL AS detail, l.starts_at AS on_day
                FROM livestreams l JOIN points p ON p.slug = l.point_slug
                WHERE l.status <> 'cancelled' AND l.starts_at >= \(bind: from) AND l.starts_at < \(bind: until)
                    AND \(place) = \(bind: code)
                ORDER BY l.starts_at, l.slug
                """
            ).all().map(record)
        case .manual:
            return []
        }
    }

    private static func record(_ row: any SQLRow) throws -> PlanCountedRecord {
        let on = try row.decode(column: "on_day", as: String.self)
        // Timestamps are shown as the day in Vietnam they fall on.
        let day = ISOTimestamp.moment(on).map { CalendarDate(inVietnamAt: $0).description } ?? on
        return PlanCountedRecord(
            ref: try row.decode(column: "ref", as: String.self), name: try row.decode(column: "name", as: String.self),
            detail: try row.decode(column: "detail", as: String?.self), on: day)
    }
}
