import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
public import Synchronization

/// A small HTTP server on 127.0.0.1 that records what it receives and answers as told: the far
/// end of webhooks and of the curl transport in tests.
public final class FakeReceiver: Sendable {
    public struct Received: Sendable {
        public let method: String
        public let path: String
        public let headers: [String: String]
        public let body: [UInt8]
    }

    public init() {}

    private let received = Mutex<[Received]>([])
    /// The status to answer with, per path; 200 when not set.
    public let statusByPath = Mutex<[String: Int]>([:])
    private let port = Mutex<Int?>(nil)

    public var requests: [Received] { received.withLock { $0 } }

    public var baseURL: String { "http://127.0.0.1:\(port.withLock { $0 } ?? 0)" }

    /// Runs the receiver for the duration of `body`.
    public func run(_ body: @Sendable (FakeReceiver) async throws -> Void) async throws {
        let router = Router()
        router.on("**", method: .get, use: record)
        router.on("**", method: .post, use: record)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { [self] channel in port.withLock { $0 = channel.localAddress?.port } },
            logger: Logger(label: "fake-receiver"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            for _ in 0..<200 where port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
            // Cancelled on failure too: otherwise the group waits for ever on the running server.
            do {
                try await body(self)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    /// Waits until `count` requests arrived, at most `timeout`.
    public func waitFor(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while requests.count < count && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return requests
    }

    @Sendable private func record(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 16 * 1024 * 1024)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let path = request.uri.path
        received.withLock {
            $0.append(Received(method: request.method.rawValue, path: path, headers: headers, body: Array(buffer.readableBytesView)))
        }
        if path == "/slow" { try await Task.sleep(for: .seconds(3)) }
        if path == "/large" {
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 65, count: 200_000)))
        }
        let status = statusByPath.withLock { $0[path] } ?? 200
        var fields: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-Echo-Method")!: request.method.rawValue]
        if status == 429 { fields[.retryAfter] = "7" }
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: .init(byteBuffer: ByteBuffer(string: #"{"received":\#(buffer.readableBytes)}"#)))
    }
}
