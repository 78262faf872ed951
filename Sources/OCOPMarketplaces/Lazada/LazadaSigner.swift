/// Lazada Open Platform signatures (MARKETPLACES.md §2): UPPERCASE hex HMAC-SHA256 with the app secret.
package enum LazadaSigner {
    /// The API name followed by every parameter except `sign`, sorted by name in ASCII order, as `name+value`.
    package static func signString(apiName: String, parameters: [(String, String)]) -> String {
        let sorted = parameters.filter { $0.0 != "sign" }.sorted {
            Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8))
        }
        return apiName + sorted.map { $0.0 + $0.1 }.joined()
    }

    /// The `sign` parameter.
    package static func sign(appSecret: String, apiName: String, parameters: [(String, String)]) -> String {
        HMACHex.sha256(key: appSecret, message: signString(apiName: apiName, parameters: parameters), uppercase: true)
    }

    /// The push `Authorization` header: lowercase HMAC of `app_key + raw_body`.
    package static func pushSignature(appSecret: String, appKey: String, body: [UInt8]) -> String {
        HMACHex.sha256(key: appSecret, message: Array(appKey.utf8) + body)
    }
}
