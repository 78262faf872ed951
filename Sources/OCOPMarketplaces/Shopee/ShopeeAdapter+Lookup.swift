/// Finding an item by its seller SKU (`get_item_list` then `get_item_base_info`, which carries
/// `item_sku`): Shopee has no search by SKU in the v2 product API this adapter uses.
extension ShopeeAdapter {
    static let itemListPageSize = 100
    /// Pages read before giving up the search (10 000 items): past that the create is sent again.
    static let itemListMaxPages = 100

    public func existingItem(sku: String, account: MarketplaceAccountContext) async throws(MarketplaceError) -> PushResult? {
        let shopID = try account.credentials.require("shop_id")
        var offset = 0
        for _ in 0..<Self.itemListMaxPages {
            let envelope = try await send(
                "/api/v2/product/get_item_list", method: "GET",
                query: [
                    ("offset", String(offset)), ("page_size", String(Self.itemListPageSize)),
                    ("item_status", "NORMAL"), ("item_status", "UNLIST"),
                ], body: [], shop: true, account: account)
            let response = envelope["response"]
            let ids = response["item"].array.compactMap { $0["item_id"].string }.filter(OrderAnswer.isID)
            var start = 0
            while start < ids.count {
                let batch = ids[start..<min(ids.count, start + 50)]
                start += 50
                let info = try await send(
                    "/api/v2/product/get_item_base_info", method: "GET", query: [("item_id_list", batch.joined(separator: ","))],
                    body: [], shop: true, account: account)
                if let found = info["response"]["item_list"].array.first(where: { $0["item_sku"].string == sku }),
                    let itemID = found["item_id"].string, OrderAnswer.isID(itemID)
                {
                    return result(itemID, shopID: shopID)
                }
            }
            guard response["has_next_page"].bool == true, let next = response["next_offset"].int, next > offset else { return nil }
            offset = next
        }
        return nil
    }
}
