import CurlHTTP
import Foundation
import MarketplaceFakes
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The libcurl transport against a real HTTP server on 127.0.0.1.
@Suite struct CurlTransportTests {
    @Test func postsABodyWithHeadersAndReadsTheAnswer() async throws {
        try await FakeReceiver().run { receiver in
            let transport = CurlTransport()
            let response = try await transport.send(
                OutboundRequest(
                    method: "POST", url: receiver.baseURL + "/echo", headers: [("X-Test", "mot-1")],
                    body: Array(#"{"a":1}"#.utf8)))
            #expect(response.status == 200)
            #expect(response.header("x-echo-method") == "POST")
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"received":7}"#)
            let seen = try #require(receiver.requests.first)
            #expect(seen.headers["x-test"] == "mot-1")
            #expect(String(decoding: seen.body, as: UTF8.self) == #"{"a":1}"#)
        }
    }

    @Test func errorStatusesAreAnswersNotFailures() async throws {
        try await FakeReceiver().run { receiver in
            receiver.statusByPath.withLock { $0["/missing"] = 404 }
            let response = try await CurlTransport().send(OutboundRequest(method: "GET", url: receiver.baseURL + "/missing"))
            #expect(response.status == 404)
        }
    }

    @Test func manyRequestsInARowShareThePooledHandles() async throws {
        try await FakeReceiver().run { receiver in
            let transport = CurlTransport()
            for _ in 0..<20 {
                let response = try await transport.send(OutboundRequest(method: "GET", url: receiver.baseURL + "/x"))
                #expect(response.status == 200)
            }
            #expect(receiver.requests.count == 20)
        }
    }

    @Test func aTooLargeAnswerIsRefused() async throws {
        try await FakeReceiver().run { receiver in
            let transport = CurlTransport(maxResponseBytes: 100_000)
            await #expect(throws: TransportError.self) {
                _ = try await transport.send(OutboundRequest(method: "GET", url: receiver.baseURL + "/large"))
            }
        }
    }

    @Test func aSlowServerTimesOutAsATransientFailure() async throws {
        try await FakeReceiver().run { receiver in
            do {
                _ = try await CurlTransport().send(
                    OutboundRequest(method: "GET", url: receiver.baseURL + "/slow", timeout: .milliseconds(300)))
                Issue.record("a 3-second answer beat a 300 ms timeout")
            } catch let error as TransportError {
                #expect(error.isTransient)
            }
        }
    }

    /// Remotes that hang hold the transport's own threads only: work on NIO's shared pool (bcrypt for
    /// logins, file reads) runs while every one of them still waits. Checked by order, not by a stopwatch:
    /// on the shared pool the job would wait for the transfers to end (3 s), here it ends before any does.
    @Test func hangingRemotesDoNotStallTheSharedThreadPool() async throws {
        try await FakeReceiver().run { receiver in
            let finished = Counter()
            let hanging = System.coreCount + 4
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<hanging {
                    group.addTask {
                        _ = try? await CurlTransport().send(
                            OutboundRequest(method: "GET", url: receiver.baseURL + "/slow", timeout: .seconds(10)))
                        finished.count.add(1, ordering: .relaxed)
                    }
                }
                _ = try await receiver.waitFor(hanging, timeout: .seconds(2))
                let answer = try await NIOThreadPool.singleton.runIfActive { 42 }
                #expect(answer == 42)
                #expect(finished.count.load(ordering: .relaxed) == 0, "the shared pool waited for hanging remotes")
                try await group.waitForAll()
            }
        }
    }

    @Test func aRefusedConnectionIsTransient() async throws {
        do {
            _ = try await CurlTransport().send(OutboundRequest(method: "GET", url: "http://127.0.0.1:9/"))
            Issue.record("port 9 answered")
        } catch let error as TransportError {
            #expect(error.isTransient)
        }
    }
}

/// Counts finished transfers across tasks.
private final class Counter: Sendable {
    let count = Atomic<Int>(0)
}
