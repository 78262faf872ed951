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
        let slug = try context.parameters.require("slug")
        _ = try context.requireFairScope(slug)
        let parameters = try HTTPHelpers.parameters(request)
        if let unknown = parameters.keys.sorted().first(where: { !["format", "table"].contains($0) }) {
            throw Problem.badParameter(unknown, "unknown parameter")
        }
        let csv: Bool
        switch parameters["format"] {
        case nil: csv = request.headers[.accept]?.contains("text/csv") == true
        case "csv": csv = true
        case "json": csv = false
        default: throw Problem.badParameter("format", "json or csv")
        }
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
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(slug)-\(table.rawValue).csv\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: Self.csv(report, table))))
    }

    static func csv(_ report: FairReport, _ table: Table) -> String {
        func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }
        switch table {
        case .stock:
            return line(["stall", "producer", "status", "sent", "sold", "returned", "lost", "on_hand"])
                + report.stock.map {
                    line([$0.stall, $0.producer ?? "", $0.status] + [$0.sent, $0.sold, $0.returned, $0.lost, $0.onHand].map(String.init))
                }.joined()
        case .salesByDay, .salesByStall, .salesByProducer, .salesByProduct:
            let (name, rows) =
                switch table {
                case .salesByDay: ("day", report.salesByDay)
                case .salesByStall: ("stall", report.salesByStall)
                case .salesByProducer: ("producer", report.salesByProducer)
                default: ("product", report.salesByProduct)
                }
            return line([name, "sales_count", "quantity", "revenue_vnd"])
                + rows.map { line([$0.key] + [$0.salesCount, $0.quantity, $0.revenue].map(String.init)) }.joined()
        }
    }

    /// RFC 4180 quoting, and a leading quote on text a spreadsheet would run as a formula.
    private static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first), Int(text) == nil { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
