import OCOPMarketplaces
import Synchronization

/// Searching the shop's products, as TikTok's Search Products (202312) answers: `page_size` (1–100)
/// and `page_token` in the query, filters such as `seller_skus` in the body.
extension FakeTikTokShop {
    func productSearch(_ request: FakeRequest) -> FakeReply {
        guard let size = Int(request.queryValue("page_size") ?? ""), (1...100).contains(size) else {
            return error(400, 36009004, "page_size must be between 1 and 100.")
        }
        let start = Int(request.queryValue("page_token") ?? "0") ?? -1
        guard start >= 0 else { return error(400, 36009004, "page_token is invalid.") }
        let body = request.json ?? JSONValue(nil)
        let skus = body["seller_skus"].exists ? Set(body["seller_skus"].array.compactMap(\.string)) : nil
        let matching = core.listings.filter { skus?.contains($0.sku) ?? true }
        let page = matching.dropFirst(start).prefix(size)
        let next = start + page.count < matching.count ? String(start + page.count) : ""
        return success([
            "total_count": matching.count, "next_page_token": next,
            "products": page.map { listing in
                [
                    "id": listing.id, "title": listing.title, "status": listing.status,
                    "skus": [["id": skuIDs.withLock { $0[listing.id] } ?? "", "seller_sku": listing.sku]],
                ] as [String: Any]
            },
        ])
    }
}
