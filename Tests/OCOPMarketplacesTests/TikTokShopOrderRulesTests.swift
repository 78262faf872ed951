import OCOPDomain
@testable import OCOPMarketplaces
import Testing

/// What a TikTok Shop status means for stock (MARKETPLACE-ORDERS.md §3.2) and the webhook check
/// (§3.3, with the document's vector).
@Suite struct TikTokShopOrderRulesTests {
    @Test func statusesMapToWhatTheyDoToStock() {
        #expect(TikTokShopAdapter.stockState(status: "UNPAID", packages: []) == .placed)
        #expect(TikTokShopAdapter.stockState(status: "ON_HOLD", packages: []) == .placed)
        #expect(TikTokShopAdapter.stockState(status: "IN_TRANSIT", packages: ["FULFILLING"]) == .sold)
        #expect(TikTokShopAdapter.stockState(status: "CANCELLED", packages: ["TO_FULFILL"]) == .cancelled)
        // Collection arranged, or the package's state unknown: it comes back through staff.
        #expect(TikTokShopAdapter.stockState(status: "CANCEL", packages: ["PROCESSING"]) == .returnExpected)
        #expect(TikTokShopAdapter.stockState(status: "CANCELLED", packages: []) == .returnExpected)
        // Cancelled once the parcel left: it comes back through staff.
        #expect(TikTokShopAdapter.stockState(status: "CANCELLED", packages: ["FULFILLING"]) == .returnExpected)
        #expect(TikTokShopAdapter.stockState(status: "SOMETHING_NEW", packages: []) == nil)
    }

    @Test func anOrderFulfilledByTikTokMovesNoDisplayPointsStock() throws {
        let json = JSONValue([
            "id": "1", "status": "AWAITING_SHIPMENT", "update_time": Int64(1_700_000_000), "fulfillment_type": "FULFILLMENT_BY_TIKTOK",
            "line_items": [["product_id": "17", "sku_id": "9", "sale_price": "1000"]],
        ] as [String: Any])
        let order = try TikTokShopAdapter.order(json)
        #expect(order.state == nil)
        #expect(order.lines.first?.quantity == 1)
    }

    @Test func aLineItemCancelledBeforeFulfilmentCountsAsCancelledOnItsLine() throws {
        func item(_ display: String, _ package: String) -> [String: Any] {
            ["product_id": "17", "sku_id": "9", "sale_price": "1000", "display_status": display, "package_status": package]
        }
        let json = JSONValue([
            "id": "1", "status": "AWAITING_SHIPMENT", "update_time": Int64(1_700_000_000),
            "line_items": [
                item("AWAITING_SHIPMENT", "TO_FULFILL"), item("CANCELLED", "TO_FULFILL"),
                // Cancelled once its package was on its way: it comes back through staff.
                item("CANCELLED", "FULFILLING"), item("AWAITING_SHIPMENT", "TO_FULFILL"),
            ],
        ] as [String: Any])
        let order = try TikTokShopAdapter.order(json)
        #expect(order.state == .sold)
        #expect(order.lines.map(\.quantity) == [4])
        #expect(order.lines.map(\.cancelled) == [1])
    }

    @Test func theWebhookIsSignedOverAppKeyAndBody() {
        let body = Array(
            #"{"type":1,"tts_notification_id":"7327112393057371910","shop_id":"7494049642642441621","timestamp":1644412885,"data":{"order_id":"576486316948490001","order_status":"UNPAID","is_on_hold_order":false,"update_time":1644412885}}"#
                .utf8)
        let vector = "3ab1a533f9bf251193b45b9b117197924ca472b983b0a81c826fdc061cced16d"
        #expect(TikTokShopPush.isSigned(vector, body: body, appKey: "abcdef", appSecret: "123"))
        #expect(!TikTokShopPush.isSigned(vector, body: body, appKey: "abcdef", appSecret: "124"))
        #expect(TikTokShopPush.orderID(body) == "576486316948490001")
        #expect(TikTokShopPush.shopID(body) == "7494049642642441621")
    }
}

/// What a Tiki status means for stock (MARKETPLACE-ORDERS.md §4.2).
@Suite struct TikiOrderRulesTests {
    @Test func statusesMapToWhatTheyDoToStock() {
        #expect(TikiAdapter.stockState(status: "queueing", history: []) == .placed)
        #expect(TikiAdapter.stockState(status: "picking", history: ["queueing"]) == .sold)
        #expect(TikiAdapter.stockState(status: "canceled", history: ["queueing", "packaging"]) == .cancelled)
        #expect(TikiAdapter.stockState(status: "canceled", history: ["queueing", "handover_to_partner"]) == .returnExpected)
        #expect(TikiAdapter.stockState(status: "returned", history: []) == .returnExpected)
        // Not accepted by Tiki yet, or held: nothing.
        #expect(TikiAdapter.stockState(status: "waiting_payment", history: []) == nil)
        #expect(TikiAdapter.stockState(status: "holded", history: []) == nil)
        #expect(TikiAdapter.stockState(status: "paid", history: []) == nil)
        #expect(PlatformTime.seconds("2026-11-22 12:00:00 +0700") == TikiTime.seconds("2026-11-22 12:00:00"))
        #expect(TikiTime.text(1_518_249_600) == "2018-02-10 15:00:00")
    }
}
