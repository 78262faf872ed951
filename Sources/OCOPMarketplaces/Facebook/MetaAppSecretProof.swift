/// Meta Graph API request proof and webhook signature (MARKETPLACES.md §5), lowercase hex HMAC-SHA256.
package enum MetaAppSecretProof {
    /// The `appsecret_proof` parameter: HMAC(app_secret, access_token).
    package static func proof(appSecret: String, accessToken: String) -> String {
        HMACHex.sha256(key: appSecret, message: accessToken)
    }

    /// The `X-Hub-Signature-256` header of a webhook: `sha256=` + HMAC(app_secret, raw_body).
    package static func webhookSignature(appSecret: String, body: [UInt8]) -> String {
        "sha256=" + HMACHex.sha256(key: appSecret, message: body)
    }
}
