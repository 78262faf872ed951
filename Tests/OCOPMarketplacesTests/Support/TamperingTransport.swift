import CurlHTTP

/// Changes each request after the adapter signed it, as a man in the middle would.
struct TamperingTransport: HTTPTransport {
    let inner: any HTTPTransport
    let change: @Sendable (inout OutboundRequest) -> Void

    func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        var changed = request
        change(&changed)
        return try await inner.send(changed)
    }
}
