import Foundation
import Hummingbird
import OCOPDomain
import OCOPStorage

/// `GET /v1/fairs/{slug}/report`: sales by day, stall, producer and product, and stock per stall,
/// as JSON, or one of those tables as CSV (`?format=csv` or `Accept: text/csv`, `table=`).
struct FairReportsController: Sendable {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("fairs/:slug/report", use: report)
    }

    enum Table: String, CaseIterable {
        case stock
        case salesByDay = "sales_by_day"
        case salesByStall = "sales_by_stall"
        case salesByProducer = "sales_by_producer"
        case salesByProduct = "sales_by_product"
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        _ = try context.requireFairScope(slug)
        let parameters = try QueryParameters(request, known: ["format", "table"])
        let csv = try CSVTable.wanted(request, format: parameters["format"])
        var table = Table.stock
        if let text = parameters["table"] {
            guard let chosen = Table(rawValue: text) else {
                throw Problem.badParameter("table", "one of \(Table.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard csv else { throw Problem.badParameter("table", "only with format=csv; JSON holds every table") }
            table = chosen
        }
        let report = try await FairStore(database: database).report(fair: slug)
        guard csv else { return try ResponseJSON.response(report) }
        return Self.csv(report, table).response(filename: "\(slug)-\(table.rawValue).csv")
    }

    static func csv(_ report: FairReport, _ table: Table) -> CSVTable {
        switch table {
        case .stock:
            return CSVTable(
                header: ["stall", "producer", "status", "sent", "sold", "returned", "lost", "on_hand"],
                rows: report.stock.map {
                    [$0.stall, $0.producer ?? "", $0.status] + [$0.sent, $0.sold, $0.returned, $0.lost, $0.onHand].map(String.init)
                })
        case .salesByDay, .salesByStall, .salesByProducer, .salesByProduct:
            let (name, rows) =
                switch table {
                case .salesByDay: ("day", report.salesByDay)
                case .salesByStall: ("stall", report.salesByStall)
                case .salesByProducer: ("producer", report.salesByProducer)
                default: ("product", report.salesByProduct)
                }
            return CSVTable(
                header: [name, "sales_count", "quantity", "revenue_vnd"],
                rows: rows.map { [$0.key] + [$0.salesCount, $0.quantity, $0.revenue].map(String.init) })
        }
    }
}
