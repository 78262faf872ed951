import Hummingbird
import HummingbirdCore

/// What the catalog handlers read of a request: its URI (the query parsed once) and the two
/// headers they look at, from Hummingbird's `Request` or straight from the HTTP head
/// (`CatalogFastPath`).
struct RequestView {
    let uri: URI
    let query: FlatDictionary<Substring, Substring>
    let acceptLanguage: String?
    let ifNoneMatch: String?
    /// Whether `Accept-Encoding` allows a gzip body.
    let acceptsGzip: Bool

    init(_ request: Request) {
        self.init(
            uri: request.uri, acceptLanguage: request.headers[.acceptLanguage],
            ifNoneMatch: request.headers[.ifNoneMatch], acceptsGzip: Gzip.isAccepted(request.headers[.acceptEncoding]))
    }

    init(uri: URI, acceptLanguage: String?, ifNoneMatch: String?, acceptsGzip: Bool = false) {
        self.uri = uri
        query = uri.queryParameters
        self.acceptLanguage = acceptLanguage
        self.ifNoneMatch = ifNoneMatch
        self.acceptsGzip = acceptsGzip
    }
}
