import OCOPDomain
@testable import OCOPMarketplaces
import Testing

/// What Lazada's per-unit statuses mean for one order's stock (MARKETPLACE-ORDERS.md §2.2), its
/// times, the folding of units into lines, and the push check (§2.3, with the document's vector).
@Suite struct LazadaOrderRulesTests {
    @Test func unitStatusesMakeOneStateForTheOrder() {
        #expect(LazadaAdapter.stockState(["unpaid", "unpaid"]) == .placed)
        #expect(LazadaAdapter.stockState(["pending", "canceled"]) == .sold)
        #expect(LazadaAdapter.stockState(["canceled", "canceled"]) == .cancelled)
        #expect(LazadaAdapter.stockState(["shipped_back", "canceled"]) == .returnExpected)
        // Part of a parcel coming back is not restocked by itself.
        #expect(LazadaAdapter.stockState(["shipped_back", "delivered"]) == .sold)
        #expect(LazadaAdapter.stockState(["lost_by_3pl"]) == .lost)
        #expect(LazadaAdapter.stockState(["a_word_nobody_knows"]) == nil)
        #expect(LazadaAdapter.stockState([]) == nil)
    }

    @Test func timesReadBothWaysLazadaWritesThem() {
        #expect(PlatformTime.seconds("2018-02-10 16:00:00 +0800") == 1_518_249_600)
        #expect(PlatformTime.seconds("2018-02-10T16:00:00+08:00") == 1_518_249_600)
        #expect(PlatformTime.seconds("2018-02-10T08:00:00Z") == 1_518_249_600)
        #expect(PlatformTime.iso(1_518_249_600) == "2018-02-10T15:00:00+07:00")
        for broken in [
            "", "2018-02-10", "2018-02-10 25:00:00 +0800", "2018-02-10 16:00:00 +9999", "yesterday at noon",
            "2018-02-10 -1:00:00 +0800", "2018-02-10 16:+1:00 +0800", "2018-02-10 16:00:00 +-100", "2018/02/10 16:00:00",
        ] {
            #expect(PlatformTime.seconds(broken) == nil, "\(broken)")
        }
    }

    @Test func unitsOfOneSKUFoldIntoOneLineAndBadAnswersAreRefused() throws {
        let unit: [String: Any] = [
            "status": "pending", "shop_sku": "2000000001_VNAMZ-5001", "sku_id": "5001", "sku": "CAM-5KG", "paid_price": "245000.00",
            "updated_at": "2026-11-22 12:00:00 +0700",
        ]
        let header = JSONValue(["order_id": Int64(300_100), "updated_at": "2026-11-22 11:00:00 +0700"])
        let order = try LazadaAdapter.order(header, items: [JSONValue(unit), JSONValue(unit), JSONValue(unit)])
        #expect(order.lines == [PlatformOrderLine(key: "2000000001:5001", itemID: "2000000001", sellerSKU: "CAM-5KG", quantity: 3, unitPrice: 245_000)])
        #expect(order.state == .sold)
        #expect(order.updateTime == PlatformTime.seconds("2026-11-22 12:00:00 +0700"))
        var huge = unit
        huge["paid_price"] = "1e300"
        #expect(throws: MarketplaceError.self) { try LazadaAdapter.order(header, items: [JSONValue(huge)]) }
        var nameless = unit
        nameless["shop_sku"] = "../../etc"
        #expect(throws: MarketplaceError.self) { try LazadaAdapter.order(header, items: [JSONValue(nameless)]) }
        #expect(throws: MarketplaceError.self) { try LazadaAdapter.order(header, items: []) }
        // Cancelled because delivery failed: the parcel is coming back, not released.
        var failed = unit
        failed["status"] = "canceled"
        failed["cancel_return_initiator"] = "cancellation-failed Delivery"
        #expect(try LazadaAdapter.order(header, items: [JSONValue(failed)]).state == .returnExpected)
        // A unit the seller cancelled before packing counts as cancelled on its line; one whose
        // delivery failed does not (it left, and comes back through staff).
        var cancelled = unit
        cancelled["status"] = "canceled"
        let mixed = try LazadaAdapter.order(header, items: [JSONValue(unit), JSONValue(cancelled), JSONValue(failed), JSONValue(unit)])
        #expect(mixed.lines.map(\.quantity) == [4])
        #expect(mixed.lines.map(\.cancelled) == [1])
        #expect(mixed.lines.map(\.live) == [3])
        #expect(mixed.state == .sold)
    }

    @Test func thePushIsSignedOverAppKeyAndBody() {
        let body = Array(
            #"{"seller_id":"1234567","message_type":0,"data":{"order_status":"unpaid","trade_order_id":"260422900198363","trade_order_line_id":"260422900298363","status_update_time":1603698638},"timestamp":1603766859530,"site":"lazada_vn"}"#
                .utf8)
        let vector = "b0cfd0349e915667babf3c35e2335fb09653527421c46a94bd9e70e874c16322"
        #expect(LazadaPush.isSigned(vector, body: body, appKey: "123456", appSecret: "helloworld"))
        #expect(!LazadaPush.isSigned(vector, body: body + [0x20], appKey: "123456", appSecret: "helloworld"))
        #expect(!LazadaPush.isSigned(nil, body: body, appKey: "123456", appSecret: "helloworld"))
        #expect(LazadaPush.orderID(body) == "260422900198363")
        #expect(LazadaPush.sellerID(body) == "1234567")
        #expect(LazadaPush.orderID(Array(#"{"message_type":3,"data":{"trade_order_id":"1"}}"#.utf8)) == nil)
    }
}
