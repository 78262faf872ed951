import Foundation
import Hummingbird
import NIOCore
import OCOPDomain
import OCOPStorage

/// The public catalog as web pages (`/`, `/san-pham`, `/chu-the`, `/diem-ban`, `/hoi-cho`,
/// `/livestream`), with the sitemap, robots.txt and the stylesheet. Every page is rendered from the
/// same in-memory views as the JSON API and kept, by everything it was rendered from, in a bounded
/// cache: a change anywhere gives new keys, so a stale page is never served.
struct ShowroomController: Sendable {
    let sources: ShowroomSources
    let templates: ShowroomTemplates
    /// The configured public address ("https://ocop.example.vn"), or empty to use the request's Host.
    let publicBaseURL: String
    /// Rendered pages by everything they depend on, compressed; shared with the fast path, which
    /// answers product pages from it too (`CatalogFastRoutes`).
    let cache: CompressedBodyCache

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/", use: home)
        router.get("san-pham", use: products)
        router.get("san-pham/:slug", use: product)
        router.get("chu-the/:slug", use: producer)
        router.get("diem-ban", use: points)
        router.get("diem-ban/:slug", use: point)
        router.get("hoi-cho", use: fairs)
        router.get("hoi-cho/:slug", use: fair)
        router.get("livestream", use: livestreams)
        router.get("sitemap.xml", use: sitemap)
        router.get("robots.txt", use: robots)
        router.get("static/:file", use: staticFile)
    }

    // MARK: - Pages

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        try render(request, template: "home", path: "/") { snapshot, page in
            HomePage.context(snapshot, sources, page)
        }
    }

    @Sendable func products(_ request: Request, context: AppRequestContext) async throws -> Response {
        try render(request, template: "products", path: "/san-pham", keepsQuery: true) { snapshot, page in
            try ProductListPage.context(snapshot, sources, page)
        }
    }

    @Sendable func product(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        let language = ShowroomBase.language(request)
        let base = ShowroomBase.address(publicBaseURL, request)
        let view = RequestView(request)
        if let answer = productPage(slug: slug, language: language, base: base, ifNoneMatch: view.ifNoneMatch, acceptsGzip: view.acceptsGzip) {
            return answer.response
        }
        return errorPage(Problem.notFound("no published product '\(slug)'"), page("/san-pham/" + slug, language, base))
    }

    /// A product's page, rendered once per version of what it shows; nil when no published product
    /// has that slug. The route above and the fast path both answer with it.
    func productPage(slug: String, language: Language, base: String, ifNoneMatch: String?, acceptsGzip: Bool) -> CachedAnswer? {
        let snapshot = sources.catalog.snapshot()
        guard let entry = snapshot.product(slug: slug) else { return nil }
        let path = "/san-pham/" + slug
        // The product's own stock, not the stock's version: a sale renders again the pages of what
        // it sold, not every page (with a version, each sale of the benchmark's mix emptied the
        // cache of 18,793 pages). The page is rendered from this same reading, so a key never
        // names a page drawn from other units.
        let stock = sources.stock.availabilityAndPointsVersion(ofProduct: slug)
        var digest = ETagDigest()
        digest.add(snapshot.version)
        digest.add(stock.pointsVersion)
        for (point, units) in stock.availability {
            digest.add(point.slug)
            digest.add(units)
        }
        for version in [sources.fairs.version, sources.livestreams.version, sources.listings.version] {
            digest.add(version)
        }
        for part in ["product", base, language.rawValue, path] { digest.add(part) }
        // The live sessions the page lists, rather than the minute the other pages use: a session
        // leaves the page when it ends, and nothing else on it changes with the clock.
        for session in sources.livestreams.sessions(at: sources.clock.now())
        where session.products.contains(where: { $0.product == slug }) {
            digest.add(session.slug)
        }
        return cachedPage(digest.etag, ifNoneMatch: ifNoneMatch, acceptsGzip: acceptsGzip) {
            let page = page(path, language, base)
            return Array(templates.render("product", ProductPages.detail(entry, availability: stock.availability, snapshot, sources, page)).utf8)
        }
    }

    @Sendable func producer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        return try render(request, template: "producer", path: "/chu-the/" + slug) { snapshot, page in
            guard let producer = snapshot.producer(slug: slug) else { throw Problem.notFound("no producer '\(slug)'") }
            return PlacePages.producer(producer, snapshot, page)
        }
    }

    @Sendable func points(_ request: Request, context: AppRequestContext) async throws -> Response {
        try render(request, template: "points", path: "/diem-ban") { snapshot, page in
            PlacePages.points(sources.stock.allPoints, snapshot, page)
        }
    }

    @Sendable func point(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        return try render(request, template: "point", path: "/diem-ban/" + slug) { snapshot, page in
            guard let point = sources.stock.point(slug) else { throw Problem.notFound("no point '\(slug)'") }
            return PlacePages.point(point, inStock: sources.stock.products(atPoint: slug), snapshot, page)
        }
    }

    @Sendable func fairs(_ request: Request, context: AppRequestContext) async throws -> Response {
        try render(request, template: "fairs", path: "/hoi-cho") { snapshot, page in
            PlacePages.fairs(sources.openOrComingFairs(on: snapshot.day), snapshot, page)
        }
    }

    @Sendable func fair(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        return try render(request, template: "fair", path: "/hoi-cho/" + slug) { snapshot, page in
            guard let listing = sources.fairs.listing(slug) else { throw Problem.notFound("no fair '\(slug)'") }
            return PlacePages.fair(listing, snapshot, page)
        }
    }

    @Sendable func livestreams(_ request: Request, context: AppRequestContext) async throws -> Response {
        try render(request, template: "livestreams", path: "/livestream") { snapshot, page in
            PlacePages.livestreams(sources.livestreams.sessions(at: sources.clock.now()), snapshot, page)
        }
    }

    // MARK: - Sitemap, robots, static files

    @Sendable func sitemap(_ request: Request, context: AppRequestContext) async throws -> Response {
        let snapshot = sources.catalog.snapshot()
        let base = ShowroomBase.address(publicBaseURL, request)
        var digest = sources.version(snapshot)
        digest.add("sitemap")
        digest.add(base)
        let view = RequestView(request)
        return cachedPage(
            digest.etag, ifNoneMatch: view.ifNoneMatch, acceptsGzip: view.acceptsGzip,
            contentType: "application/xml; charset=utf-8"
        ) { Sitemap.xml(snapshot, sources, base: base) }.response
    }

    @Sendable func robots(_ request: Request, context: AppRequestContext) async throws -> Response {
        let base = ShowroomBase.address(publicBaseURL, request)
        let text = "User-agent: *\nDisallow: /console/\nDisallow: /v1/\nAllow: /v1/products\n\nSitemap: \(base)/sitemap.xml\n"
        return HTMLAnswer(body: Array(text.utf8), etag: HTTPHelpers.etag(text), contentType: "text/plain; charset=utf-8")
            .response(for: request)
    }

    /// The stylesheet and the console's script, under names that change with their bytes.
    @Sendable func staticFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let path = "/static/" + (try context.pathValue("file"))
        guard let file = templates.staticFile(path) else { throw Problem.notFound("no such file") }
        return HTMLAnswer(
            body: file.bytes, etag: "\"" + path.dropFirst(8) + "\"", contentType: file.contentType,
            cacheControl: "public, max-age=31536000, immutable"
        ).response(for: request)
    }

    // MARK: - Rendering

    /// Renders `template` with the page's members, from the cache when the same page was rendered
    /// from the same views; a problem thrown while building (unknown slug, bad parameter) becomes
    /// the HTML error page with its status.
    private func render(
        _ request: Request, template: String, path: String, keepsQuery: Bool = false,
        _ build: (CatalogSnapshot, ShowroomPage) throws -> [String: Any]
    ) throws -> Response {
        let snapshot = sources.catalog.snapshot()
        let base = ShowroomBase.address(publicBaseURL, request)
        let language = ShowroomBase.language(request)
        let query = keepsQuery ? ShowroomBase.queryItems(request) : []
        let page = page(path, language, base, query)
        var digest = sources.version(snapshot)
        for part in [template, base, language.rawValue, path] { digest.add(part) }
        // Only a page that keeps its query depends on it: `?fbclid=…` on a shared link is one page.
        // The raw query, as one part: decoded items could carry the separator and collide.
        if keepsQuery { digest.add(request.uri.query ?? "") }
        // Sessions and fairs drop out of these pages when they end: they are rendered again each minute.
        digest.add(String(ISOTimestamp.string(sources.clock.now()).prefix(16)))
        let view = RequestView(request)
        do {
            return try cachedPage(digest.etag, ifNoneMatch: view.ifNoneMatch, acceptsGzip: view.acceptsGzip) {
                Array(templates.render(template, try build(snapshot, page)).utf8)
            }.response
        } catch let problem as Problem {
            return errorPage(problem, page)
        }
    }

    /// The answer for the page whose ETag is `etag`: `304` when the client holds it, else from the
    /// compressed cache, else rendered now and kept.
    private func cachedPage(
        _ etag: String, ifNoneMatch: String?, acceptsGzip: Bool, contentType: String = "text/html; charset=utf-8",
        _ render: () throws -> [UInt8]
    ) rethrows -> CachedAnswer {
        func answer(_ status: HTTPResponse.Status, etag: String, _ body: [UInt8]?) -> CachedAnswer {
            CachedAnswer(
                status: status, etag: etag, cacheControl: Self.cacheControl, body: body.map { ByteBuffer(bytes: $0) },
                contentType: contentType, vary: "Accept-Encoding")
        }
        func from(_ page: CompressedBody) -> CachedAnswer? {
            page.answer(ifNoneMatch: nil, acceptsGzip: acceptsGzip, contentType: contentType, cacheControl: Self.cacheControl)
        }
        if let ifNoneMatch, HTTPHelpers.matches(ifNoneMatch, etag) {
            return answer(.notModified, etag: acceptsGzip ? "W/" + etag : etag, nil)
        }
        if let kept = cache.body(etag), let cached = from(kept) { return cached }
        let bytes = try render()
        let kept = bytes.withUnsafeBytes { cache.store(etag, plain: $0, etag: etag) }
        // A plain client gets the bytes just rendered; so does everyone if compression failed.
        if acceptsGzip, let kept, let packed = from(kept) { return packed }
        return answer(.ok, etag: etag, bytes)
    }

    /// Pages are revalidated on every visit (`no-cache`), not kept for a minute like the JSON: a
    /// shopper who reloads a product whose certificate was just revoked must see it gone, and a
    /// `304` costs a few hundred bytes.
    static let cacheControl = "no-cache"

    /// The frame's facts for a page at `path`.
    private func page(_ path: String, _ language: Language, _ base: String, _ query: [(String, String)] = []) -> ShowroomPage {
        ShowroomPage(language: language, path: path, query: query, base: base, stylesheetPath: templates.stylesheetPath)
    }

    /// The HTML page for a problem: a 404 with a search box, or the problem's detail.
    func errorPage(_ problem: Problem, _ page: ShowroomPage) -> Response {
        let notFound = problem.status == .notFound
        let heading = ShowroomWords.word(notFound ? "not_found_title" : "error_title", page.language)
        var context = page.context(title: heading, description: heading)
        context["heading"] = heading
        context["message"] = notFound ? ShowroomWords.word("not_found_text", page.language) : problem.detail
        let body = Array(templates.render("notfound", context).utf8)
        return Response(
            status: problem.status,
            headers: [
                .contentType: "text/html; charset=utf-8", .contentLength: String(body.count),
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// What every page reads of its request: the language (Vietnamese unless `?lang=en`), the query
/// it keeps, and the address pages link back to.
enum ShowroomBase {
    /// Vietnamese first: a page is English only when asked with `?lang=en` (a phone set to
    /// English still sees the Vietnamese showroom, with the English link at the top).
    static func language(_ request: Request) -> Language {
        request.uri.queryParameters.get("lang") == "en" ? .en : .vi
    }

    /// The query's items in order, without `lang` (links add it back), decoded as a browser's
    /// form sends them: `+` is a space, `%2B` a plus. An item that does not decode is left out.
    static func queryItems(_ request: Request) -> [(String, String)] {
        guard let raw = request.uri.query, !raw.isEmpty else { return [] }
        return raw.split(separator: "&").compactMap { item -> (String, String)? in
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(pair[0]), !name.isEmpty, name != "lang",
                let value = pair.count > 1 ? decode(pair[1]) : ""
            else { return nil }
            return (name, value)
        }
    }

    /// The configured public address, else `http://` and the Host header when it is a plain host
    /// name or address with an optional port (anything else would let a client write the links).
    static func address(_ configured: String, _ request: Request) -> String {
        address(configured, host: request.head.authority)
    }

    static func address(_ configured: String, host: String?) -> String {
        if !configured.isEmpty { return configured.hasSuffix("/") ? String(configured.dropLast()) : configured }
        let host = host ?? ""
        let allowed = host.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || [UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]")].contains(byte)
        }
        return "http://" + (allowed && !host.isEmpty && host.utf8.count <= 255 ? host : "localhost")
    }
}
