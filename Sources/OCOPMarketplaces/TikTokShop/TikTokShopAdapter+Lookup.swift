/// Finding a product by its seller SKU: Search Products (`/product/202312/products/search`) with
/// `seller_skus`, paged by `next_page_token`. A deleted product does not count: a new one is made.
extension TikTokShopAdapter {
    static let searchPageSize = 50
    /// Pages read before giving up (1 000 products carrying the SKU).
    static let searchMaxPages = 20

    public func existingItem(sku: String, account: MarketplaceAccountContext) async throws(MarketplaceError) -> PushResult? {
        var token = ""
        for _ in 0..<Self.searchMaxPages {
            var query = [("page_size", String(Self.searchPageSize))]
            if !token.isEmpty { query.append(("page_token", token)) }
            let data = try await call(
                "POST", "/product/202312/products/search", ["seller_skus": [sku]], query: query, account: account)
            let found = data["products"].array.first { product in
                product["status"].string?.uppercased() != "DELETED"
                    && product["skus"].array.contains { $0["seller_sku"].string == sku }
            }
            if let productID = found?["id"].string, OrderAnswer.isID(productID) { return result(productID) }
            guard let next = data["next_page_token"].string, !next.isEmpty, next != token else { return nil }
            token = next
        }
        return nil
    }
}
