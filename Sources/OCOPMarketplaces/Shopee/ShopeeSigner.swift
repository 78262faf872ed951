/// Shopee Open Platform v2 signatures (MARKETPLACES.md §1): lowercase hex HMAC-SHA256 with the partner key.
package enum ShopeeSigner {
    /// `partner_id + api_path + timestamp`, plus `access_token + shop_id` for shop APIs; no separators.
    package static func baseString(
        partnerID: String, path: String, timestamp: Int64, accessToken: String? = nil, shopID: String? = nil
    ) -> String {
        partnerID + path + String(timestamp) + (accessToken ?? "") + (shopID ?? "")
    }

    /// The `sign` query parameter: public APIs pass no token and shop; shop APIs pass both.
    package static func sign(
        partnerKey: String, partnerID: String, path: String, timestamp: Int64, accessToken: String? = nil,
        shopID: String? = nil
    ) -> String {
        HMACHex.sha256(
            key: partnerKey,
            message: baseString(
                partnerID: partnerID, path: path, timestamp: timestamp, accessToken: accessToken, shopID: shopID))
    }

    /// The push `Authorization` header: HMAC of `callback_url + "|" + raw_body`.
    package static func pushSignature(partnerKey: String, callbackURL: String, body: [UInt8]) -> String {
        HMACHex.sha256(key: partnerKey, message: Array(callbackURL.utf8) + Array("|".utf8) + body)
    }
}
