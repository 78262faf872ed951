import Hummingbird
import OCOPDomain
import OCOPStorage

/// Livestream sessions: the public list and page (from memory), and scheduling by the staff of the
/// session's point or a featured producer.
struct LivestreamsController: Sendable {
    let database: Database
    let clock: any WallClock
    let readModel: CatalogReadModel
    let livestreams: LivestreamReadModel

    var store: LivestreamStore { LivestreamStore(database: database) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("livestreams", use: list)
        group.get("livestreams/:slug", use: detail)
        group.post("livestreams", use: create)
        group.patch("livestreams/:slug", use: setStatus)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let parameters = try HTTPHelpers.parameters(request)
        let query = try LivestreamQuery(parameters: parameters)
        let language = try HTTPHelpers.language(request)
        let snapshot = readModel.snapshot()
        let matching = livestreams.sessions(at: clock.now()).filter(query.matches)
        let after = query.page.after
        let keyed = matching.map { (key: query.key($0), session: $0) }.filter { after == nil || $0.key > after! }
        let page = Array(keyed.prefix(query.page.limit))
        var json = JSONWriter(capacity: 1024)
        json.beginObject()
        json.key("items")
        json.beginArray()
        for item in page { LivestreamJSON.write(item.session, &json, snapshot: snapshot, language: language) }
        json.endArray()
        json.key("next_cursor")
        json.string(keyed.count > page.count ? page.last.map { PageRequest.cursor(after: $0.key) } : nil)
        json.key("total")
        json.int(matching.count)
        json.endObject()
        return ResponseJSON.response(json.bytes, headers: [.cacheControl: "public, max-age=15"])
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        let language = try HTTPHelpers.language(request)
        guard let session = livestreams.sessions(at: clock.now()).first(where: { $0.slug == slug }) else {
            throw Problem.notFound("no scheduled or live livestream '\(slug)'")
        }
        var json = JSONWriter(capacity: 512)
        LivestreamJSON.write(session, &json, snapshot: readModel.snapshot(), language: language)
        return ResponseJSON.response(json.bytes, headers: [.cacheControl: "public, max-age=15"])
    }

    private var pipeline: WritePipeline { WritePipeline(database: database, clock: clock) }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pipeline.run(request, LivestreamRequest.self, authorise: { try context.requireIdentity() }) {
            body, identity, now in
            let session = try body.validated()
            guard identity.canManagePoint(session.point) || session.producers.contains(where: identity.canActForProducer)
            else {
                throw Problem(
                    .forbidden, "\(identity.username) may schedule livestreams only for their point or as a featured producer")
            }
            try await SellerScope(database: database).require(identity, sellFrom: session.point, for: Set(session.producers))
            return store.creation(session, actor: identity.actor, at: now)
        }
    }

    @Sendable func setStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        return try await pipeline.run(
            request, LivestreamStatusRequest.self, status: .ok,
            authorise: { try await LivestreamScope.require(context, slug, store) }
        ) { body, identity, now in
            store.statusChange(slug, to: try body.validated(), actor: identity.actor, at: now)
        }
    }
}

/// Who may manage a session: staff of its point, or a producer it features.
enum LivestreamScope {
    @discardableResult
    static func require(
        _ context: AppRequestContext, _ slug: String, _ store: LivestreamStore
    ) async throws -> StaffIdentity {
        let identity = try context.requireIdentity()
        guard let session = try await store.record(slug) else { throw Problem.notFound("no livestream '\(slug)'") }
        guard identity.canManagePoint(session.point) || session.producers.contains(where: identity.canActForProducer)
        else { throw Problem(.forbidden, "\(identity.username) may not manage livestream '\(slug)'") }
        return identity
    }
}

/// A validated `GET /v1/livestreams` query, sessions by start time then slug.
struct LivestreamQuery {
    var platform: LivestreamPlatform?
    var status: LivestreamStatus?
    var producer: String?
    var product: String?
    var page: PageRequest

    init(parameters values: [String: String]) throws(Problem) {
        let parameters = try QueryParameters(values, known: ["platform", "status", "producer", "product", "limit", "cursor", "lang"])
        if let text = parameters["platform"] {
            guard let value = LivestreamPlatform(rawValue: text) else {
                throw .badParameter("platform", LivestreamPlatform.allCases.map(\.rawValue).joined(separator: ", "))
            }
            platform = value
        }
        if let text = parameters["status"] {
            guard let value = LivestreamStatus(rawValue: text), value.takesOrders else {
                throw .badParameter("status", "scheduled or live")
            }
            status = value
        }
        producer = parameters["producer"]
        product = parameters["product"]
        page = try PageRequest(parameters)
    }

    func matches(_ session: LivestreamRecord) -> Bool {
        (platform == nil || session.platform == platform!.rawValue) && (status == nil || session.status == status!.rawValue)
            && (producer == nil || session.producers.contains(producer!))
            && (product == nil || session.products.contains { $0.product == product! })
    }

    func key(_ session: LivestreamRecord) -> SortKey {
        SortKey(primary: ISOTimestamp.moment(session.startsAt)?.unixMilliseconds ?? 0, name: "", slug: session.slug)
    }
}
