import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OCOPDomain
import OCOPServer
import Testing
import TestSupport

/// The catalog's fast path (answered in the channel pipeline) must be indistinguishable from the
/// routes Hummingbird answers: same bytes, same ETag and 304s, same metrics, same order of answers.
@Suite struct CatalogFastPathTests {
    @Test func anonymousPagesAreTheSameBytesAsTheRouterGives() async throws {
        try await ServerHarness.run(.sqlite) { harness, client in
            let token = try await harness.staffToken(username: "admin", role: .admin)
            for path in ["/v1/products/nuoc-mam-cua-lo", "/v1/products?min_stars=4&province=01", "/v1/products?q=che"] {
                let sent = Date()
                let fast = try await client.get(path)
                // A bearer token sends the same request through Hummingbird's router and middleware.
                let routed = try await client.execute(
                    uri: path, method: .get, headers: [.authorization: "Bearer \(token)"]) { $0 }
                let answered = Date()
                #expect(fast.status == .ok)
                #expect(routed.status == .ok)
                #expect(fast.body == routed.body, "\(path)")
                #expect(fast.headers[.eTag] == routed.headers[.eTag])
                #expect(fast.headers[.contentType] == "application/json; charset=utf-8")
                #expect(fast.headers[.server] == "ocop")
                // The date as Hummingbird writes it (RFC 9110), to the second.
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "GMT")
                formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
                let fastDate = try #require(fast.headers[.date].flatMap(formatter.date(from:)))
                let routedDate = try #require(routed.headers[.date].flatMap(formatter.date(from:)))
                // Ours is formatted per request from the clock: between the moment the request left
                // (less the second it is truncated to) and the answer. Hummingbird's comes from a
                // cache its own task refreshes about once a second, later on a loaded machine.
                let ours = sent.addingTimeInterval(-1)...answered.addingTimeInterval(1)
                #expect(ours.contains(fastDate), "\(fastDate) outside \(ours)")
                let theirs = sent.addingTimeInterval(-10)...answered.addingTimeInterval(1)
                #expect(theirs.contains(routedDate), "\(routedDate) outside \(theirs)")
                let etag = try #require(fast.headers[.eTag])
                let revalidated = try await client.get(path, headers: [.ifNoneMatch: etag])
                #expect(revalidated.status == .notModified)
                #expect(revalidated.body.readableBytes == 0)
            }
        }
    }

    @Test func errorsAndUnknownSlugsAreAnsweredByTheRouterAsProblems() async throws {
        try await ServerHarness.run(.sqlite) { _, client in
            let missing = try await client.get("/v1/products/khong-co")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect(try await client.get("/v1/products?min_stars=9").problemFields == ["min_stars"])
        }
    }

    /// NIO's response encoder pairs each answer with the method of its request, to send no body
    /// after a HEAD. Answers written past the encoder once left that queue one request behind: a
    /// fast GET, then a HEAD and a GET answered by the router, and the second GET lost its body.
    @Test func aHeadBetweenFastAndRoutedAnswersLeavesEveryBodyWhole() async throws {
        try await ServerHarness.run(.sqlite) { _, client in
            let steps: [(HTTPRequest.Method, String)] = [
                (.get, "/v1/products/nuoc-mam-cua-lo"), (.head, "/v1/products/nuoc-mam-cua-lo"), (.get, "/v1/producers"),
                (.get, "/san-pham/nuoc-mam-cua-lo"), (.head, "/san-pham"), (.get, "/san-pham"),
                (.get, "/v1/products?limit=2"), (.head, "/"), (.get, "/"),
            ]
            for (method, path) in steps {
                let answer = try await client.execute(uri: path, method: method, headers: [:]) { $0 }
                #expect(answer.status == .ok, "\(method) \(path)")
                let length = try #require(answer.headers[.contentLength].flatMap { Int($0) }, "\(method) \(path)")
                #expect(answer.body.readableBytes == (method == .head ? 0 : length), "\(method) \(path)")
                #expect(length > 0, "\(method) \(path)")
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredInTheOrderSent() async throws {
        try await ServerHarness.run(.sqlite) { _, client in
            // Routed, fast, routed, fast, written at once on one connection: each fast answer must
            // wait for the routed one sent before it (an unknown slug and a bad filter are routed,
            // since errors are rendered by the router).
            let paths = ["/v1/products/khong-co", "/v1/products/nuoc-mam-cua-lo", "/v1/products?min_stars=9", "/v1/products?limit=1"]
            let answers = try RawHTTP.pipeline(port: try #require(client.port), paths: paths)
            #expect(answers.map(\.status) == [404, 200, 400, 200])
            #expect(answers[1].body.contains("\"slug\":\"nuoc-mam-cua-lo\""))
            #expect(answers[3].body.contains("\"items\""))
        }
    }
}

/// HTTP/1.1 over a plain socket, to send requests pipelined (no client library here does).
enum RawHTTP {
    struct Answer {
        let status: Int
        let body: String
    }

    static func pipeline(port: Int, paths: [String]) throws -> [Answer] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let requests = paths.map { "GET \($0) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" }.joined()
        _ = Array(requests.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var answers: [Answer] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while answers.count < paths.count {
            if let (answer, used) = parse(received) {
                answers.append(answer)
                received.removeFirst(used)
                continue
            }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw POSIXError(.ETIMEDOUT) }
            received += buffer[..<count]
        }
        return answers
    }

    /// One complete response at the start of `bytes` (Content-Length bodies only), and its length.
    private static func parse(_ bytes: [UInt8]) -> (Answer, Int)? {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            return nil
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        let length = lines.dropFirst().compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            return parts.first?.lowercased() == "content-length" ? Int(parts[1].trimmingCharacters(in: .whitespaces)) : nil
        }.first ?? 0
        let total = end + 4 + length
        guard bytes.count >= total else { return nil }
        return (Answer(status: status, body: String(decoding: bytes[(end + 4)..<total], as: UTF8.self)), total)
    }
}
