import Hummingbird
import OCOPDomain

/// `GET /v1/products` and `GET /v1/products/{slug}`, answered from the catalog snapshot.
struct ProductsController<Context: RequestContext>: Sendable {
    let readModel: CatalogReadModel
    let stockReadModel: StockReadModel
    /// Parts of the page other capabilities own, in the order they appear ("listings", "fairs", …).
    let sections: [any ProductPageSection]

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("products", use: list)
        group.get("products/:slug", use: detail)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try listAnswer(RequestView(request)).response
    }

    @Sendable func detail(_ request: Request, context: Context) async throws -> Response {
        try detailAnswer(slug: try context.pathValue("slug"), RequestView(request)).response
    }

    /// The list or search page; synchronous, so `CatalogFastPath` can answer it on the event loop.
    func listAnswer(_ request: RequestView) throws -> CachedAnswer {
        let snapshot = readModel.snapshot()
        let language = try HTTPHelpers.language(request)
        let query = try ProductQuery(
            parameters: HTTPHelpers.parameters(request), classification: snapshot.classification,
            localities: snapshot.localities)
        // The version first: stock read after it is at least that new, so a cached page is never older than its key.
        let stockVersion = query.point == nil ? "" : String(stockReadModel.version)
        let atPoint = query.point.map { Set(stockReadModel.products(atPoint: $0).keys) }
        let etag = HTTPHelpers.etag(snapshot.version, stockVersion, language.rawValue, request.uri.query ?? "")
        if let asked = request.ifNoneMatch, HTTPHelpers.matches(asked, etag) {
            return HTTPHelpers.cachedAnswer([], etag: etag, request: request)
        }
        // The same request on the same snapshot and stock gives the same bytes: keep recent ones.
        let cacheKey = stockVersion + "\u{1F}" + language.rawValue + "\u{1F}" + (request.uri.query ?? "")
        if let body = snapshot.pageCache.page(cacheKey) {
            return HTTPHelpers.cachedAnswer(body, etag: etag, request: request)
        }
        let body = snapshot.encode(snapshot.listProducts(query, productsAtPoint: atPoint), language: language)
        snapshot.pageCache.store(cacheKey, body)
        return HTTPHelpers.cachedAnswer(body, etag: etag, request: request)
    }

    /// A product page; synchronous, like `listAnswer`.
    func detailAnswer(slug: String, _ request: RequestView) throws -> CachedAnswer {
        let language = try HTTPHelpers.language(request)
        let snapshot = readModel.snapshot()
        guard let entry = snapshot.product(slug: slug) else {
            throw Problem.notFound("no published product '\(slug)'")
        }
        var json = JSONWriter(capacity: 256)
        json.beginArray()
        for (point, units) in stockReadModel.availability(ofProduct: slug) {
            json.beginObject()
            json.key("point")
            json.string(point.slug)
            json.key("name")
            json.string(point.name)
            json.key("in_stock")
            json.int(units)
            json.endObject()
        }
        json.endArray()
        // The stock part by its bytes rather than the stock's version: a sale elsewhere leaves
        // this answer, its ETag and its compressed copy as they were. The sections' versions are
        // read before their JSON: an ETag may be older than its page, never newer.
        var digest = ETagDigest()
        digest.add(snapshot.version)
        digest.add(bytes: json.bytes)
        for section in sections { digest.add(section.version) }
        digest.add(language.rawValue)
        digest.add(slug)
        let etag = digest.etag
        // Known before the body is written: a client that takes gzip is answered from the kept
        // compressed copy without writing the plain document first.
        if request.acceptsGzip, request.ifNoneMatch.map({ HTTPHelpers.matches($0, etag) }) != true,
            let packed = GzipCache.catalog.kept(etag: etag)
        {
            return CachedAnswer.compressedJSON(packed, etag: etag)
        }
        var body = ByteBuffer()
        body.reserveCapacity(entry.detailJSONSize(language) + json.bytes.count + 256)
        entry.writeDetailPrefixJSON(language, into: &body)
        body.writeStaticString(#","available_at":"#)
        body.writeBytes(json.bytes)
        for section in sections {
            body.writeStaticString(#",""#)
            body.writeString(section.key)
            body.writeStaticString(#"":"#)
            body.writeBytes(section.json(forProduct: slug, language: language))
        }
        if !sections.contains(where: { $0.key == "listings" }) { body.writeStaticString(#","listings":[]"#) }
        body.writeInteger(UInt8(ascii: "}"))
        return HTTPHelpers.cachedAnswer(body, etag: etag, request: request)
    }
}
