public import CurlHTTP

/// Sends an adapter's requests with its timeout, turning transport failures into `MarketplaceError`.
package struct AdapterHTTP: Sendable {
    package let transport: any HTTPTransport
    package let timeout: Duration

    package init(transport: any HTTPTransport, timeout: Duration) {
        self.transport = transport
        self.timeout = timeout
    }

    /// Sends and returns whatever status came back; no answer at all is `transient`.
    package func send(
        _ method: String, _ url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) async throws(MarketplaceError) -> OutboundResponse {
        let request = OutboundRequest(method: method, url: url, headers: headers, body: body, timeout: timeout)
        do {
            return try await transport.send(request)
        } catch let error as TransportError {
            let timedOut =
                error.message.lowercased().contains("timeout") || error.message.lowercased().contains("timed out")
            throw MarketplaceError(.transient, code: timedOut ? "timeout" : "network", message: error.message)
        } catch is CancellationError {
            throw MarketplaceError(.transient, code: "cancelled", message: "\(method) \(RedactedURL.text(url)) was cancelled")
        } catch {
            throw MarketplaceError(.transient, code: "network", message: "\(error)")
        }
    }
}

extension OutboundResponse {
    /// The classification every platform shares for a bare HTTP status; nil for 2xx and other 4xx.
    package func statusError(code: String? = nil, message: String) -> MarketplaceError? {
        switch status {
        case 429:
            MarketplaceError(
                .throttled(retryAfterSeconds: retryAfterSeconds), code: code ?? "HTTP 429", message: message)
        case 500...599: MarketplaceError(.transient, code: code ?? "HTTP \(status)", message: message)
        default: nil
        }
    }

    package var bodyText: String { String(decoding: body.prefix(500), as: UTF8.self) }
}

extension MarketplaceCredentials {
    /// The value of a required credential; its absence is a person's job to fix.
    package func require(_ key: String) throws(MarketplaceError) -> String {
        guard let value = values[key], !value.isEmpty else {
            throw MarketplaceError(.badCredentials, code: "missing_credential", message: "the account has no \(key)")
        }
        return value
    }
}

extension MarketplaceAccountContext {
    /// The base URL without a trailing slash, ready for a path to be appended.
    package var trimmedBaseURL: String {
        baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }
}
