import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends requests to a live test server over many connections at once, so that "parallel" really
/// is parallel on the server (the Hummingbird test client pipelines everything over one
/// connection, which the server answers one request at a time).
struct ParallelClient: Sendable {
    let port: Int
    private let session: URLSession

    init(port: Int, connections: Int = 64) {
        self.port = port
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = connections
        configuration.timeoutIntervalForRequest = 120
        session = URLSession(configuration: configuration)
    }

    /// POSTs JSON and returns the status and the decoded JSON object (empty when not an object).
    func post(_ path: String, token: String, json: String) async throws -> (status: Int, json: [String: Any]) {
        try await send("POST", path, token: token, json: json)
    }

    /// Sends JSON with `method` and returns the status and the decoded JSON object.
    func send(_ method: String, _ path: String, token: String, json: String) async throws -> (status: Int, json: [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(json.utf8)
        let (data, response) = try await session.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }
}
