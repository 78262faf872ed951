import Foundation
import HTTPTypes
import HummingbirdTesting
import OCOPServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Idle and slow clients cannot hold the server (issue 17, item 12).
@Suite struct ConnectionLimitTests {
    /// A plain TCP connection to 127.0.0.1, to behave as no HTTP client library would.
    final class RawConnection: @unchecked Sendable {  // one test uses each, from one task at a time
        let descriptor: Int32

        init(port: Int) throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(descriptor) }

        func send(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(descriptor, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
        }

        /// What the server sends until it closes or the 5 s receive timeout passes; nil on a timeout.
        /// The blocking reads run on a Dispatch thread: the server answers on Swift's cooperative
        /// pool, which a blocked test thread would starve.
        func readUntilClosed() async -> String? {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: self.blockingRead()) }
            }
        }

        private func blockingRead() -> String? {
            var collected: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count == 0 { return String(decoding: collected, as: UTF8.self) }
                if count < 0 { return errno == ECONNRESET ? String(decoding: collected, as: UTF8.self) : nil }
                collected += buffer[0..<count]
            }
        }
    }

    @Test func aClientThatNeverFinishesItsHeadIsClosed() async throws {
        try await ServerHarness.run(connections: ConnectionLimits(idleTimeout: .milliseconds(500), maxConnections: 100)) {
            _, client in
            let port = try #require(client.port)
            let slow = try RawConnection(port: port)
            slow.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
            try await Task.sleep(for: .milliseconds(300))
            slow.send("b")  // still dribbling: the head never completes
            let started = ContinuousClock.now
            #expect(await slow.readUntilClosed() == "")
            #expect(ContinuousClock.now - started < .seconds(3))

            // A body that stops coming is held to the same timeout.
            let stalled = try RawConnection(port: port)
            stalled.send("POST /v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user")
            let stalledAt = ContinuousClock.now
            _ = await stalled.readUntilClosed()
            #expect(ContinuousClock.now - stalledAt < .seconds(3))

            // Answered before its body ended (an unknown path), then idle: closed as well. The
            // body's end arriving after the answer once stopped the idle clock for good.
            let early = try RawConnection(port: port)
            early.send("POST /no-such-path HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n01234")
            try await Task.sleep(for: .milliseconds(200))
            early.send("56789")
            let earlyAt = ContinuousClock.now
            let earlyAnswer = try #require(await early.readUntilClosed(), "still open 5 s after its answer")
            #expect(earlyAnswer.hasPrefix("HTTP/1.1 404"))
            #expect(ContinuousClock.now - earlyAt < .seconds(3))

            // A keep-alive client that finished its request is closed once idle, after its answer.
            let idle = try RawConnection(port: port)
            idle.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let answered = try #require(await idle.readUntilClosed())
            #expect(answered.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func pastTheCeilingTheLongestIdleConnectionsMakeRoomForHealthChecks() async throws {
        try await ServerHarness.run(connections: ConnectionLimits(idleTimeout: .seconds(30), maxConnections: 40)) {
            _, client in
            let port = try #require(client.port)
            var hoarded: [RawConnection] = []
            for _ in 0..<120 { hoarded.append(try RawConnection(port: port)) }
            try await Task.sleep(for: .milliseconds(300))
            for _ in 0..<3 {
                let check = try RawConnection(port: port)
                check.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                #expect(await check.readUntilClosed()?.hasPrefix("HTTP/1.1 200") == true)
            }
            // The oldest of the idle hoard were closed to make room.
            #expect(await hoarded[0].readUntilClosed() == "")
            // The catalog's fast path answers too, and its connection then counts as idle again.
            let shopper = try RawConnection(port: port)
            shopper.send("GET /v1/products HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(await shopper.readUntilClosed()?.hasPrefix("HTTP/1.1 200") == true)
        }
    }

    @Test func anOverlongRequestLineGetsProblemJSON() async throws {
        try await ServerHarness.run { _, client in
            let port = try #require(client.port)
            let long = try RawConnection(port: port)
            long.send("GET /v1/products?q=\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let answer = try #require(await long.readUntilClosed())
            #expect(answer.hasPrefix("HTTP/1.1 431"))
            #expect(answer.contains("application/problem+json"))
            #expect(answer.contains(#""status":431"#))
        }
    }
}
