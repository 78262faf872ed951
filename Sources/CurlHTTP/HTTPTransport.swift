/// One outbound HTTP request.
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The whole exchange must finish within this time.
    public var timeout: Duration

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(15)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// The answer to an outbound request.
public struct OutboundResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header with this name, ignoring case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Why an outbound request failed before an HTTP answer arrived.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// True for failures worth retrying later (timeouts, refused or reset connections).
    public var isTransient: Bool

    public init(_ message: String, isTransient: Bool) {
        self.message = message
        self.isTransient = isTransient
    }

    public var description: String { message }
}

/// Sends HTTP requests. Adapters and workers see only this, never libcurl.
public protocol HTTPTransport: Sendable {
    /// Sends the request and returns the answer, whatever its status.
    func send(_ request: OutboundRequest) async throws -> OutboundResponse
}
