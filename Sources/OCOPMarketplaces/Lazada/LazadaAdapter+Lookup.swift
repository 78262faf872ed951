/// Finding an item by its seller SKU: GetProducts (`/products/get`) narrowed by `sku_seller_list`,
/// every status (`filter=all`). The answer's `SellerSku` is compared too, so a gateway that ignored
/// the filter cannot hand back another item.
extension LazadaAdapter {
    static let productPageSize = 50
    /// Pages read before giving up (1 000 items carrying the SKU: far more than one shop has).
    static let productMaxPages = 20

    public func existingItem(sku: String, account: MarketplaceAccountContext) async throws(MarketplaceError) -> PushResult? {
        let filter = JSONBody.encodeString([sku])
        var offset = 0
        for _ in 0..<Self.productMaxPages {
            let data = try await call(
                "/products/get",
                [
                    ("filter", "all"), ("sku_seller_list", filter), ("offset", String(offset)),
                    ("limit", String(Self.productPageSize)),
                ], method: "GET", account: account)
            let products = data["products"].array
            let found = products.first { product in product["skus"].array.contains { $0["SellerSku"].string == sku } }
            if let itemID = found?["item_id"].string, OrderAnswer.isID(itemID) { return PushResult(externalID: itemID) }
            offset += products.count
            guard !products.isEmpty, let total = data["total_products"].int, offset < total else { return nil }
        }
        return nil
    }
}
