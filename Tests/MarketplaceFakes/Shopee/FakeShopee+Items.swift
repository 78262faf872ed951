/// Reading the shop's items back, as Shopee's `get_item_list` (ids by status, offset paging) and
/// `get_item_base_info` (up to 50 ids, with `item_sku`) answer.
extension FakeShopee {
    func itemList(_ request: FakeRequest) -> FakeReply {
        guard request.method == "GET" else { return error(405, "error_method", "Method not allowed.") }
        guard let offset = Int(request.queryValue("offset") ?? ""), offset >= 0,
            let size = Int(request.queryValue("page_size") ?? ""), (1...100).contains(size)
        else { return error(400, "error_param", "offset and page_size (1–100) are required.", namespace: "product") }
        let statuses = Set(request.query.filter { $0.0 == "item_status" }.map(\.1))
        guard !statuses.isEmpty else { return error(400, "error_param", "item_status is required.", namespace: "product") }
        let items = core.listings.filter { statuses.contains($0.status) }
        let page = items.dropFirst(offset).prefix(size)
        let more = offset + page.count < items.count
        return success([
            "item": page.map { ["item_id": Int($0.id) ?? 0, "item_status": $0.status] },
            "total_count": items.count, "has_next_page": more, "next_offset": offset + page.count,
        ])
    }

    func itemBaseInfo(_ request: FakeRequest) -> FakeReply {
        guard request.method == "GET" else { return error(405, "error_method", "Method not allowed.") }
        let ids = (request.queryValue("item_id_list") ?? "").split(separator: ",").map(String.init)
        guard (1...50).contains(ids.count) else {
            return error(400, "error_param", "item_id_list must name 1 to 50 items.", namespace: "product")
        }
        let found = ids.compactMap { core.listing(id: $0) }
        return success([
            "item_list": found.map { ["item_id": Int($0.id) ?? 0, "item_sku": $0.sku, "item_status": $0.status, "item_name": $0.title] }
        ])
    }
}
