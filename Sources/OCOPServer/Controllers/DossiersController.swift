import Foundation
import HTTPTypes
import Hummingbird
import OCOPDomain
import OCOPStorage

/// `/v1/dossiers`: a product's way into evaluation. The producer opens and fills in its own
/// dossiers (files included) and sends them to the commune office; the office (admin) reviews
/// them. A producer asking for another producer's dossier gets a 404, so ids reveal nothing.
struct DossiersController: Sendable {
    let pipeline: WritePipeline
    let files: DossierFiles
    private var store: DossierStore { DossierStore(database: pipeline.database) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("dossiers", use: list)
        group.post("dossiers", use: open)
        group.get("dossiers/:id", use: show)
        group.put("dossiers/:id/items/:item", use: fill)
        group.post("dossiers/:id/items/:item/files", use: attach)
        group.get("dossiers/:id/files/:file", use: download)
        group.post("dossiers/:id/submit", use: submit)
        group.post("dossiers/:id/review", use: review)
    }

    struct ListAnswer: Encodable {
        var items: [DossierRecord]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let parameters = try QueryParameters(request, known: ["state", "round", "product"])
        var filter = try scope(identity)
        if let text = parameters["state"] {
            guard let state = DossierState(rawValue: text) else {
                throw Problem.badParameter("state", DossierState.allCases.map(\.rawValue).joined(separator: ", "))
            }
            filter.state = state
        }
        if let text = parameters["round"] {
            guard text.utf8.count <= 18, let round = Int(text), round > 0 else { throw Problem.badParameter("round", "a round id") }
            filter.round = round
        }
        if let product = parameters["product"] {
            guard product.utf8.count <= 200 else { throw Problem.badParameter("product", "a product slug") }
            filter.product = product
        }
        return try ResponseJSON.response(ListAnswer(items: try await store.list(filter)))
    }

    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pipeline.run(request, DossierRequest.self, authorise: { try context.requireIdentity() }) { body, identity, now in
            let kind = try body.kindValue()
            guard let owner = try await productOwner(body.product) else { throw Problem.notFound("no product '\(body.product)'") }
            guard identity.canActForProducer(owner) else {
                throw Problem(.forbidden, "\(identity.username) may not open a dossier for '\(body.product)'")
            }
            return store.open(product: body.product, kind: kind, actor: identity.actor, at: now)
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return try ResponseJSON.response(try await visible(context, identity))
    }

    // Not optimised: Swift 6.3.1's release build crashed splitting this coroutine (LLVM CoroSplit,
    // signal 11), and the route is a form save, not a hot path.
    @_optimize(none)
    @Sendable func fill(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathID("id", "dossier")
        let item = try Self.item(context)
        return try await pipeline.run(request, DossierItemRequest.self, status: .ok, authorise: { try context.requireIdentity() }) {
            body, identity, now in
            try await requireOwner(id, identity)
            return store.fill(id, item: item, note: try body.validated(), actor: identity.actor, at: now)
        }
    }

    /// A file for a checklist item, sent as the raw body; its type is read from its first bytes
    /// (PDF, JPEG or PNG), whatever `Content-Type` says.
    @Sendable func attach(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID("id", "dossier")
        let item = try Self.item(context)
        try await requireOwner(id, identity)
        // Checked before the bytes are read and written: a refused file leaves nothing on disk.
        try await files.requireRoom(in: id, store: store)
        let parameters = try QueryParameters(request, known: ["name"])
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: DossierFileType.maxBytes)
        } catch {
            throw DossierFiles.tooLarge
        }
        let bytes = Array(buffer.readableBytesView)
        let upload = try await files.store(bytes, name: parameters["name"] ?? "", dossier: id)
        // The name is part of the request, so a retry with another name is another write.
        return try await pipeline.perform(
            request, identity: identity, body: Array(upload.fileName.utf8) + [0] + bytes, status: .created,
            store.attach(id, item: item, upload, actor: identity.actor, at: pipeline.clock.now()))
    }

    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let dossier = try await visible(context, identity)
        let fileID = try context.pathID("file", "file")
        return try await files.download(fileID, of: dossier.id, store: store)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathID("id", "dossier")
        return try await pipeline.run(
            request, LiveOrdersController.Empty.self, allowEmpty: true, status: .ok, authorise: { try context.requireIdentity() }
        ) { _, identity, now in
            try await requireOwner(id, identity)
            return store.submit(id, actor: identity.actor, at: now)
        }
    }

    @Sendable func review(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathID("id", "dossier")
        return try await pipeline.run(request, DossierReviewRequest.self, status: .ok, authorise: { try context.requireAdmin() }) {
            body, identity, now in
            let (pass, note, needsWork) = try body.validated()
            return store.review(id, pass: pass, note: note, needsWork: needsWork, actor: identity.actor, at: now)
        }
    }

    // MARK: - Scope

    private func scope(_ identity: StaffIdentity) throws -> DossierFilter {
        switch identity.role {
        case .admin: return DossierFilter()
        case .producer: return DossierFilter(producers: identity.scopes)
        default: throw Problem(.forbidden, "only the programme office and producers work on dossiers")
        }
    }

    private func visible(_ context: AppRequestContext, _ identity: StaffIdentity) async throws -> DossierRecord {
        let id = try context.pathID("id", "dossier")
        let filter = try scope(identity)
        guard let dossier = try await store.dossier(id), filter.producers?.contains(dossier.producer) ?? true else {
            throw Problem.notFound("no dossier \(id)")
        }
        return dossier
    }

    /// The producer of the dossier (or the office) may change it; anyone else finds no such dossier.
    private func requireOwner(_ id: Int, _ identity: StaffIdentity) async throws {
        guard let dossier = try await store.dossier(id), identity.canActForProducer(dossier.producer) else {
            throw Problem.notFound("no dossier \(id)")
        }
    }

    private func productOwner(_ slug: String) async throws -> String? {
        guard slug.utf8.count <= 200 else { return nil }
        return try await store.producer(ofProduct: slug)
    }

    private static func item(_ context: AppRequestContext) throws -> DossierItem {
        let text = try context.pathValue("item")
        guard let item = DossierItem(rawValue: text) else { throw Problem.notFound("no checklist item '\(text)'") }
        return item
    }
}
