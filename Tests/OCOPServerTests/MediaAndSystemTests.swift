import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OCOPServer
import Testing
import TestSupport

@Suite struct MediaAndSystemTests {
    @Test(arguments: TestEngine.all) func imagesCarryTheirTypeAnETagAndLongCaching(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let response = try await client.get("/media/products/sample.png")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "image/png")
            #expect(response.headers[.cacheControl]?.contains("max-age=31536000") == true)
            let etag = try #require(response.headers[.eTag])
            #expect(response.body.readableBytes == 71)
            #expect(try await client.get("/media/products/sample.png", headers: [.ifNoneMatch: etag]).status == .notModified)
        }
    }

    @Test(arguments: TestEngine.all) func rangesAreHonoured(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let part = try await client.get("/media/products/sample.png", headers: [.range: "bytes=1-3"])
            #expect(part.status == .partialContent)
            #expect(part.headers[.contentRange] == "bytes 1-3/71")
            #expect(String(buffer: part.body) == "PNG")
            let tail = try await client.get("/media/products/sample.png", headers: [.range: "bytes=-4"])
            #expect(tail.headers[.contentRange] == "bytes 67-70/71")
            let beyond = try await client.get("/media/products/sample.png", headers: [.range: "bytes=500-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(beyond.headers[.contentRange] == "bytes */71")
        }
    }

    @Test(arguments: [
        "/media/../ocop.sqlite", "/media/%2e%2e/ocop.sqlite", "/media/products/..%2f..%2focop.sqlite",
        "/media/products/none.png", "/media/.hidden", "/media/products",
    ])
    func nothingOutsideTheMediaFolderCanBeRead(path: String) async throws {
        try await ServerHarness.run { _, client in
            let response = try await client.get(path)
            #expect(response.status == .notFound || response.status == .badRequest, "\(path) → \(response.status)")
            #expect(!String(buffer: response.body).contains("SQLite"))
        }
    }

    @Test(arguments: TestEngine.all) func healthReadinessAndMetricsAnswer(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            #expect(try await client.get("/healthz").status == .ok)
            #expect(try await client.get("/readyz").json["status"] as? String == "ready")
            let metrics = try await client.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }

    @Test(arguments: TestEngine.all) func unknownRoutesAnswerProblemJSON(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let response = try await client.get("/v1/nothing-here")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    static let apiRoots = ["/v1", "v1", "media", "/media", "openapi", "/openapi", "healthz", "/healthz", "readyz", "/readyz",
        "metrics", "/metrics", "v/", "/v/", "01/", "/01/"]

    @Test(arguments: TestEngine.all) func theOpenAPIDocumentDescribesEveryRoute(engine: TestEngine) async throws {
        let harness = try await ServerHarness.make(engine)
        let routes = buildRouter(configuration: harness.configuration, dependencies: harness.dependencies).routes
            .map { (path: $0.path.description, method: $0.method.rawValue) }
        try await harness.stack.tearDown()
        try await ServerHarness.run(engine) { _, client in
            let document = try await client.get("/openapi.json").json
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = document["paths"] as? [String: [String: Any]] ?? [:]
            // The showroom's pages are for browsers, not the API: they are tested in ShowroomTests.
            for route in routes where route.path.hasPrefix("v1") || Self.apiRoots.contains(where: route.path.hasPrefix) {
                // "/v1/products/:slug" → "/v1/products/{slug}", "/media/**" → "/media/{path}"
                let path = "/" + route.path.split(separator: "/").map { segment in
                    segment == "**" ? "{path}" : segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
                }.joined(separator: "/")
                let method = route.method.lowercased()
                #expect(paths[path]?[method] != nil, "\(route.method) \(path) is not in openapi.json")
            }
            #expect(routes.count >= 10)
        }
    }
}
