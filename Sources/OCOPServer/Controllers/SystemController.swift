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
        router.get("healthz") { _, _ in Self.json(#"{"status":"ok"}"#) }
        router.get("readyz", use: ready)
        router.get("metrics", use: metrics)
        router.get("openapi.json") { request, _ in
            HTTPHelpers.cachedJSON(
                OpenAPIDocument.bytes, etag: OpenAPIDocument.etag, request: request, cacheControl: "public, max-age=300")
        }
    }

    @Sendable func ready(_ request: Request, context: Context) async throws -> Response {
        guard readiness.isReady else {
            return Self.json(#"{"status":"starting"}"#, status: .serviceUnavailable)
        }
        do {
            try await database.ping()
        } catch {
            context.logger.warning("readiness: database does not answer", metadata: ["error": "\(error)"])
            return Self.json(#"{"status":"database unavailable"}"#, status: .serviceUnavailable)
        }
        return Self.json(#"{"status":"ready"}"#)
    }

    @Sendable func metrics(_ request: Request, context: Context) async throws -> Response {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }

    private static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
