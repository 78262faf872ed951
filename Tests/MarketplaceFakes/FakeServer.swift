import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// One Hummingbird app on 127.0.0.1, port 0, answering every path with `handler`. Counts requests and
/// applies the hang knob before the platform sees the request.
final class FakeServer: Sendable {
    typealias Handler = @Sendable (FakeRequest) async -> FakeReply

    private let port = Mutex<Int?>(nil)
    private let running = Mutex<Task<Void, any Error>?>(nil)
    private let stopping = Atomic<Bool>(false)
    private let received = Mutex<[FakeRequest]>([])
    let faults = FakeFaults()

    var address: String { "http://127.0.0.1:\(port.withLock { $0 } ?? 0)" }
    var requests: [FakeRequest] { received.withLock { $0 } }

    /// Starts serving and returns once the port is known.
    static func start(label: String, handler: @escaping Handler) async throws -> FakeServer {
        let server = FakeServer()
        let router = Router()
        let respond: @Sendable (Request, BasicRequestContext) async throws -> Response = { [server] request, _ in
            let body = try await request.body.collect(upTo: 32 * 1024 * 1024)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let received = FakeRequest(
                method: request.method.rawValue, path: request.uri.path, rawQuery: request.uri.query ?? "",
                headers: headers, body: Array(body.readableBytesView))
            server.received.withLock { $0.append(received) }
            if let hang = server.faults.takeHang() { await server.sleep(hang) }
            return server.response(await handler(received))
        }
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("**", method: method, use: respond)
        }
        var logger = Logger(label: label)
        logger.logLevel = .critical  // shutdown by cancellation logs at error level; tests need silence
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { [server] channel in server.port.withLock { $0 = channel.localAddress?.port } },
            logger: logger)
        server.running.withLock { $0 = Task { try await app.run() } }
        for _ in 0..<500 where server.port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        guard server.port.withLock({ $0 }) != nil else {
            await server.stop()
            throw FakeServerError(message: "\(label) did not start listening")
        }
        return server
    }

    /// Stops serving; hanging requests are released first so shutdown is quick.
    func stop() async {
        stopping.store(true, ordering: .relaxed)
        guard let task = running.withLock({ $0 }) else { return }
        task.cancel()
        _ = try? await task.value
    }

    /// Sleeps like a platform that does not answer, cut short only by `stop()`.
    private func sleep(_ duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline && !stopping.load(ordering: .relaxed) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func response(_ reply: FakeReply) -> Response {
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}

struct FakeServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
