import CurlHTTP
import Foundation
import TestSupport

/// An `ocop` process started from the built binary, as an operator would run it.
final class NodeProcess: @unchecked Sendable {
    // Safe: `process` is configured before launch and only terminated afterwards, from the test.
    let process = Process()
    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static var binary: URL { PackagePaths.root.appendingPathComponent(".build/debug/ocop") }

    /// Runs `ocop <arguments>` to completion with `input` on standard input; returns its exit code.
    @discardableResult
    static func run(_ arguments: [String], input: String = "", environment: [String: String] = [:]) throws -> Int32 {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdin = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Starts `ocop serve` on a free port with these options.
    init(serve options: [String]) throws {
        port = try Self.freePort()
        process.executableURL = Self.binary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning"] + options
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until `/readyz` answers 200.
    func waitUntilReady(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        let transport = CurlTransport()
        while ContinuousClock.now < deadline {
            if let response = try? await transport.send(OutboundRequest(method: "GET", url: baseURL + "/readyz")),
                response.status == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw NodeError.notReady(port)
    }

    /// Kills the process at once, as a crash or a pulled plug would.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Asks the process to stop gracefully (SIGTERM) and waits.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    private static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw NodeError.noPort }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    enum NodeError: Error {
        case notReady(Int)
        case noPort
    }
}

extension HTTPTransport {
    /// A JSON request with an optional bearer token.
    func json(
        _ method: String, _ url: String, token: String? = nil, body: String? = nil, headers: [(String, String)] = []
    ) async throws -> OutboundResponse {
        var fields = headers.map { (name: $0.0, value: $0.1) }
        if let token { fields.append(("Authorization", "Bearer \(token)")) }
        if body != nil { fields.append(("Content-Type", "application/json")) }
        return try await send(OutboundRequest(method: method, url: url, headers: fields, body: Array((body ?? "").utf8)))
    }
}

extension OutboundResponse {
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
}
