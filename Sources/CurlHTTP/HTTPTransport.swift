/// One outbound HTTP request.
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The whole exchange must finish within this time.
    public var timeout: Duration
    /// Connect only to public internet addresses (checked on each address the name resolves to):
    /// for destinations a client chose, such as webhooks.
    public var publicAddressesOnly = false

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

    /// The longest wait a `Retry-After` may ask for; a larger one is read as this.
    public static let longestRetryAfterSeconds = 3600

    /// Seconds from a `Retry-After: <seconds>` header, at most `longestRetryAfterSeconds`: a remote
    /// answering 9223372036854775807 (or 1e30) gets a bounded retry, never an overflow. Nil when
    /// the header is missing or not a number of seconds (the HTTP-date form is not used by the
    /// platforms this service calls).
    public var retryAfterSeconds: Int? {
        guard let value = header("Retry-After") else { return nil }
        let text = value.filter { $0 != " " && $0 != "\t" }
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        // Too many digits for an Int is still just "a very long wait".
        return min(Int(text) ?? Int.max, Self.longestRetryAfterSeconds)
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
