import OCOPMarketplaces

/// Reading the shop's products back, as Lazada's GetProducts answers: `filter` (all, live,
/// inactive), `offset`/`limit` paging and `sku_seller_list`, a JSON array of seller SKUs.
extension FakeLazada {
    func products(_ value: (String) -> String?) -> FakeReply {
        guard let filter = value("filter"), ["all", "live", "inactive"].contains(filter) else {
            return error("ISV", "1000", "filter is invalid")
        }
        let offset = value("offset").flatMap(Int.init) ?? 0
        let limit = value("limit").flatMap(Int.init) ?? 10
        guard offset >= 0, (1...50).contains(limit) else { return error("ISV", "1000", "offset or limit is invalid") }
        var skus: Set<String>?
        if let list = value("sku_seller_list") {
            guard let names = JSONBody.decode(Array(list.utf8))?.array.compactMap(\.string), !names.isEmpty,
                names.count <= 100
            else { return error("ISV", "1000", "sku_seller_list must be a JSON array of 1 to 100 seller SKUs") }
            skus = Set(names)
        }
        let matching = core.listings.filter { listing in
            (skus?.contains(listing.sku) ?? true)
                && (filter == "all" || (filter == "live") == listing.isOnSale)
        }
        let page = matching.dropFirst(offset).prefix(limit)
        return success([
            "total_products": matching.count,
            "products": page.map { listing in
                [
                    "item_id": Int(listing.id) ?? 0, "status": listing.status,
                    "attributes": ["name": listing.title],
                    "skus": [["SellerSku": listing.sku, "Status": listing.status, "quantity": listing.stock]],
                ] as [String: Any]
            },
        ])
    }
}
