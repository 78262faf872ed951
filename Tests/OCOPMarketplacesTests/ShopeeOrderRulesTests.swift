import OCOPDomain
@testable import OCOPMarketplaces
import Testing

/// What a Shopee status means for stock (MARKETPLACE-ORDERS.md §1.2) and the push check (§1.3).
@Suite struct ShopeeOrderRulesTests {
    @Test func statusesMapToWhatTheyDoToStock() {
        #expect(ShopeeAdapter.stockState(status: "UNPAID", logistics: []) == .placed)
        #expect(ShopeeAdapter.stockState(status: "READY_TO_SHIP", logistics: ["LOGISTICS_READY"]) == .sold)
        #expect(ShopeeAdapter.stockState(status: "COMPLETED", logistics: ["LOGISTICS_DELIVERY_DONE"]) == .sold)
        #expect(ShopeeAdapter.stockState(status: "TO_RETURN", logistics: []) == .returnExpected)
        // IN_CANCEL waits for the seller; a word Shopee adds later changes nothing until known.
        #expect(ShopeeAdapter.stockState(status: "IN_CANCEL", logistics: []) == nil)
        #expect(ShopeeAdapter.stockState(status: "SOMETHING_NEW", logistics: []) == nil)
    }

    @Test func aCancelledOrderGivesItsUnitsBackOnlyWhenTheParcelNeverLeft() {
        #expect(ShopeeAdapter.stockState(status: "CANCELLED", logistics: []) == .cancelled)
        #expect(ShopeeAdapter.stockState(status: "CANCELLED", logistics: ["LOGISTICS_NOT_START"]) == .cancelled)
        #expect(ShopeeAdapter.stockState(status: "CANCELLED", logistics: ["LOGISTICS_REQUEST_CANCELED"]) == .cancelled)
        #expect(ShopeeAdapter.stockState(status: "CANCELLED", logistics: ["LOGISTICS_PICKUP_DONE"]) == .returnExpected)
        #expect(ShopeeAdapter.stockState(status: "CANCELLED", logistics: ["LOGISTICS_DELIVERY_FAILED"]) == .returnExpected)
        #expect(ShopeeAdapter.stockState(status: "CANCELLED", logistics: ["LOGISTICS_SOMETHING_NEW"]) == .returnExpected)
        #expect(ShopeeAdapter.stockState(status: "CANCELLED", logistics: ["LOGISTICS_LOST"]) == .lost)
    }

    /// The document's vector, computed with Python's hmac and openssl.
    @Test func aPushIsCheckedAgainstThePartnerKeyAndNamesItsOrderAndShop() {
        let body = Array(
            #"{"msg_id":"275d49be9b484e63a5cba42115815b4a","data":{"completed_scenario":"","items":[],"ordersn":"2503119YA2XB8B","status":"PROCESSED","update_time":1741645463},"shop_id":137637267,"code":3,"timestamp":1741645463}"#
                .utf8)
        let url = "https://example.com/shopee/push"
        let key = "test_partner_key_0123456789abcdef"
        let signature = "35e34904354494bebe8afd398865e66f96f28cb3247d3dc03807121b0d176a4e"
        #expect(ShopeePush.isSigned(signature, callbackURL: url, body: body, partnerKey: key))
        #expect(!ShopeePush.isSigned(signature, callbackURL: url + "/", body: body, partnerKey: key))
        #expect(!ShopeePush.isSigned(signature, callbackURL: url, body: body + [32], partnerKey: key))
        #expect(!ShopeePush.isSigned(nil, callbackURL: url, body: body, partnerKey: key))
        #expect(ShopeePush.orderID(body) == "2503119YA2XB8B")
        #expect(ShopeePush.shopID(body) == "137637267")
        #expect(ShopeePush.orderID(Array(#"{"code":1,"data":{"ordersn":"X"}}"#.utf8)) == nil)
        #expect(ShopeePush.orderID(Array(#"{"code":3,"data":{"ordersn":"../../etc"}}"#.utf8)) == nil)
    }
}
