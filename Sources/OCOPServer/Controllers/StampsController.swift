import Hummingbird
import OCOPDomain
import OCOPStorage

/// Traceability stamps: runs of codes for the stamp printer (admin or the product's producer), and
/// the public check a shopper's phone makes when it scans one.
struct StampsController: Sendable {
    let database: Database
    let clock: any WallClock
    let readModel: CatalogReadModel
    /// Where printed URLs point, e.g. "https://ocop.tuyenquang.gov.vn"; empty for relative URLs.
    let publicBaseURL: String
    /// Renders the stamp page for browsers; nil answers JSON to everyone.
    var showroom: ShowroomController? = nil

    func addRoutes(to router: Router<AppRequestContext>, v1: RouterGroup<AppRequestContext>) {
        v1.post("products/:slug/stamps", use: issue)
        v1.get("stamp-runs/:id/codes.csv", use: codes)
        v1.get("verify/:code", use: verify)
        router.get("v/:code", use: printedLink)
        // GS1 Digital Link: the stamp code is the serial (AI 21) of the product's GTIN (AI 01).
        router.get("01/:gtin/10/:batch/21/:code", use: printedLink)
        router.get("01/:gtin/21/:code", use: printedLink)
    }

    private var store: StampStore { StampStore(database: database) }

    struct IssueRequest: Decodable {
        var count: Int
        var batch: String?
    }

    struct IssueAnswer: Encodable, Sendable {
        var runId: Int
        var product: String
        var batch: String?
        var count: Int
        var codesCsv: String
    }

    /// A run of codes; `Idempotency-Key` makes a retried request print one run, not two.
    @Sendable func issue(_ request: Request, context: AppRequestContext) async throws -> Response {
        let product = try context.pathValue("slug")
        return try await WritePipeline(database: database, clock: clock).run(
            request, IssueRequest.self,
            authorise: {
                try requireOwnerOrAdmin(context, product: product)
                return try context.requireIdentity()
            }
        ) { body, identity, now in
            if let batch = body.batch, batch.isEmpty || !StockRules.isValidBatch(batch) {
                throw Problem.badParameter("batch", "1–40 printable characters")
            }
            return try store.issuing(product: product, batch: body.batch, count: body.count, actor: identity.actor, at: now)
                .map { run in
                    IssueAnswer(
                        runId: run.id, product: run.product, batch: run.batch, count: run.count,
                        codesCsv: "/v1/stamp-runs/\(run.id)/codes.csv")
                }
        }
    }

    /// The run as CSV for the stamp printer: code and the URL its QR code carries.
    @Sendable func codes(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int(try context.pathValue("id")), let run = try await store.run(id) else {
            throw Problem.notFound("no stamp run")
        }
        try requireOwnerOrAdmin(context, product: run.product)
        var csv = "code,url\r\n"
        let base = ShowroomBase.address(publicBaseURL, request)
        for (code, url) in PrintedStampLinks.urls(run, base: base, catalog: readModel.snapshot().contents) {
            csv += "\(code),\(url)\r\n"
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"stamps-\(run.product)-\(id).csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    /// Public: is this a genuine stamp of a valid OCOP product today? Unknown codes are "not genuine".
    /// `/v1/verify/{code}` always answers JSON; the printed URLs answer a page to a browser.
    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        let check = try await stampCheck(request, context: context)
        return ResponseJSON.response(check.json())
    }

    /// The printed URLs (`/v/{code}` and the GS1 Digital Link paths): the page for a browser, the
    /// JSON for an app, chosen by `Accept`.
    @Sendable func printedLink(_ request: Request, context: AppRequestContext) async throws -> Response {
        let check = try await stampCheck(request, context: context)
        var response: Response
        if let showroom, ContentNegotiation.prefersHTML(request.headers[.accept]) {
            response = showroom.stampPage(check, request)
        } else {
            response = ResponseJSON.response(check.json())
        }
        response.headers[.vary] = "Accept"
        return response
    }

    /// Looks the code up and records the scan (its province, when the app says where it is).
    private func stampCheck(_ request: Request, context: AppRequestContext) async throws -> StampCheck {
        let text = try context.pathValue("code")
        let snapshot = readModel.snapshot()
        let province = request.uri.queryParameters.get("province").flatMap {
            snapshot.localities.province(codeOrName: $0)?.code
        }
        guard let code = StampCode(text),
            let scan = try await store.scan(
                code, province: province ?? "", at: clock.now(), counted: ScanCounting.isPersonScanning(request))
        else { return StampCheck(code: text, scan: nil, product: nil, producer: nil, snapshot: snapshot) }
        let product = snapshot.contents.products.first { $0.slug == scan.product }
        let producer = snapshot.contents.producers.first { $0.slug == product?.producerSlug }
        return StampCheck(code: text, scan: scan, product: product, producer: producer, snapshot: snapshot)
    }

    private func requireOwnerOrAdmin(_ context: AppRequestContext, product: String) throws {
        let identity = try context.requireIdentity()
        let owner = readModel.snapshot().contents.products.first { $0.slug == product }?.producerSlug
        guard identity.isAdmin || owner.map(identity.canActForProducer) == true else {
            throw Problem(.forbidden, "\(identity.username) may not issue stamps for '\(product)'")
        }
    }
}
