/// TikTok Shop Partner API signatures (MARKETPLACES.md §3): lowercase hex HMAC-SHA256 with the app secret.
package enum TikTokSigner {
    /// `path` + sorted `key+value` of the query (without `sign` and `access_token`) + the raw body,
    /// before wrapping in the secret. Pass an empty body for GET and multipart requests.
    package static func signString(path: String, query: [(String, String)], body: [UInt8]) -> [UInt8] {
        let sorted = query.filter { $0.0 != "sign" && $0.0 != "access_token" }.sorted {
            Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8))
        }
        return Array((path + sorted.map { $0.0 + $0.1 }.joined()).utf8) + body
    }

    /// The `sign` query parameter: HMAC(app_secret, app_secret + string + app_secret).
    package static func sign(appSecret: String, path: String, query: [(String, String)], body: [UInt8]) -> String {
        let wrapped = Array(appSecret.utf8) + signString(path: path, query: query, body: body) + Array(appSecret.utf8)
        return HMACHex.sha256(key: appSecret, message: wrapped)
    }

    /// The webhook `Authorization` header: HMAC of `app_key + raw_body`.
    package static func webhookSignature(appSecret: String, appKey: String, body: [UInt8]) -> String {
        HMACHex.sha256(key: appSecret, message: Array(appKey.utf8) + body)
    }
}
