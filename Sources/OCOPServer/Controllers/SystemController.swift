import Hummingbird
import Logging
import OCOPStorage
import Prometheus

/// `/healthz` (the process answers), `/readyz` (the catalog is loaded and the database answers),
/// `/metrics` (Prometheus text format) and `/openapi.json`.
struct SystemController<Context: RequestContext>: Sendable {
    let readiness: Readiness
    let database: Database
    let registry: PrometheusCollectorRegistry

    func addRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in try Self.status("ok") }
        router.get("readyz", use: ready)
        router.get("metrics", use: metrics)
        router.get("openapi.json") { request, _ in
            HTTPHelpers.cachedJSON(
                OpenAPIDocument.bytes, etag: OpenAPIDocument.etag, request: request, cacheControl: "public, max-age=300")
        }
    }

    @Sendable func ready(_ request: Request, context: Context) async throws -> Response {
        guard readiness.isReady else {
            return try Self.status("starting", .serviceUnavailable)
        }
        do {
            try await database.ping()
        } catch {
            context.logger.warning("readiness: database does not answer", metadata: ["error": "\(error)"])
            return try Self.status("database unavailable", .serviceUnavailable)
        }
        return try Self.status("ready")
    }

    @Sendable func metrics(_ request: Request, context: Context) async throws -> Response {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }

    struct Status: Encodable {
        var status: String
    }

    /// `{"status": …}`, never cached (`ResponseJSON` says no-store): a probe must see the state of now.
    private static func status(_ text: String, _ code: HTTPResponse.Status = .ok) throws -> Response {
        try ResponseJSON.response(Status(status: text), status: code)
    }
}
