import Hummingbird
import OCOPDomain

/// `GET /v1/producers` and `GET /v1/producers/{slug}`: producers with at least one published product.
struct ProducersController<Context: RequestContext>: Sendable {
    let readModel: CatalogReadModel

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("producers", use: list)
        group.get("producers/:slug", use: detail)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let snapshot = readModel.snapshot()
        let language = try HTTPHelpers.language(request)
        let parameters = try QueryParameters(request, known: ["province", "type", "limit", "cursor", "lang"])
        var provinceCode: String?
        if let province = parameters["province"] {
            guard let found = snapshot.localities.province(codeOrName: province) else {
                throw Problem.badParameter("province", "unknown province '\(province)'")
            }
            provinceCode = found.code
        }
        var type: ProducerType?
        if let typeText = parameters["type"] {
            guard let parsed = ProducerType(rawValue: typeText) else {
                throw Problem.badParameter(
                    "type", "one of \(ProducerType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            type = parsed
        }
        let limit = try parameters.limit(.catalog)
        let after = try parameters.cursor(order: "name")

        let matches = snapshot.producers.filter {
            (provinceCode == nil || $0.province.code == provinceCode) && (type == nil || $0.producer.type == type)
        }
        let start = after.map { key in matches.firstIndex { Self.key($0) > key } ?? matches.count } ?? 0
        let page = matches[start..<min(start + limit, matches.count)]
        let next = start + limit < matches.count ? page.last.map { PageCursor(order: "name", key: Self.key($0)) } : nil

        var json = JSONWriter(capacity: 512 * page.count + 128)
        json.beginObject()
        json.key("items")
        json.beginArray()
        for producer in page { Self.write(producer, &json, snapshot: snapshot, language: language, withProducts: false) }
        json.endArray()
        json.key("next_cursor")
        json.string(next?.encoded)
        json.key("total")
        json.int(matches.count)
        json.endObject()
        let etag = HTTPHelpers.etag(snapshot.version, language.rawValue, "producers", request.uri.query ?? "")
        return HTTPHelpers.cachedJSON(json.bytes, etag: etag, request: request)
    }

    @Sendable func detail(_ request: Request, context: Context) async throws -> Response {
        let slug = try context.pathValue("slug")
        let language = try HTTPHelpers.language(request)
        let snapshot = readModel.snapshot()
        guard let producer = snapshot.producer(slug: slug) else {
            throw Problem.notFound("no producer '\(slug)' with published products")
        }
        var json = JSONWriter(capacity: 4096)
        Self.write(producer, &json, snapshot: snapshot, language: language, withProducts: true)
        let etag = HTTPHelpers.etag(snapshot.version, language.rawValue, "producer", slug)
        return HTTPHelpers.cachedJSON(json.bytes, etag: etag, request: request)
    }

    private static func key(_ producer: PublishedProducer) -> SortKey {
        SortKey(primary: 0, name: producer.foldedName, slug: producer.producer.slug)
    }

    private static func write(
        _ entry: PublishedProducer, _ json: inout JSONWriter, snapshot: CatalogSnapshot, language: Language,
        withProducts: Bool
    ) {
        let producer = entry.producer
        json.beginObject()
        json.key("slug")
        json.string(producer.slug)
        json.key("name")
        json.string(producer.name)
        json.key("type")
        json.string(producer.type.rawValue)
        json.key("province")
        json.codeAndName(entry.province.code, entry.province.name)
        json.key("commune")
        if let commune = entry.commune {
            json.codeAndName(commune.code, commune.name)
        } else {
            json.null()
        }
        json.key("address")
        json.string(producer.address)
        json.key("phone")
        json.string(producer.phone)
        json.key("story")
        json.string(producer.story?.text(in: language))
        json.key("product_count")
        json.int(entry.productIndices.count)
        if withProducts {
            json.key("products")
            json.beginArray()
            for index in entry.productIndices { json.raw(snapshot.products[index].summaryJSON[language]!) }
            json.endArray()
        }
        json.endObject()
    }
}
