import OCOPMarketplaces
import Testing

/// Every signing vector published in MARKETPLACES.md, reproduced.
@Suite struct SigningVectorTests {
    // MARK: - Shopee (§1)

    @Test func shopeePublicAPISign() {
        #expect(
            ShopeeSigner.sign(
                partnerKey: "test_partner_key_0123456789abcdef", partnerID: "2001887", path: "/api/v2/shop/auth_partner",
                timestamp: 1_700_000_000) == "c93ab7a001f97cbd337c35c05252392a0480d494f98956baa5a1f6aab43f1929")
    }

    @Test func shopeeShopAPISign() {
        #expect(
            ShopeeSigner.baseString(
                partnerID: "2001887", path: "/api/v2/product/update_stock", timestamp: 1_700_000_000,
                accessToken: "c09222e3fc40ffb25fc947f738b1abf1", shopID: "600000")
                == "2001887/api/v2/product/update_stock1700000000c09222e3fc40ffb25fc947f738b1abf1600000")
        #expect(
            ShopeeSigner.sign(
                partnerKey: "test_partner_key_0123456789abcdef", partnerID: "2001887",
                path: "/api/v2/product/update_stock", timestamp: 1_700_000_000,
                accessToken: "c09222e3fc40ffb25fc947f738b1abf1", shopID: "600000")
                == "a23b651b3236ffa3b429a1cbddd12a682bcb890ae5579da58e90784f29953b4e")
    }

    @Test func shopeePushSignature() {
        #expect(
            ShopeeSigner.pushSignature(
                partnerKey: "test_partner_key_0123456789abcdef", callbackURL: "https://example.com/shopee/push",
                body: Array(#"{"shop_id":600000,"code":3,"timestamp":1700000000}"#.utf8))
                == "be6e90d804121ede83243eb39efb4ac3f1a13ec3c835b8d34ac4542835a47b3b")
    }

    // MARK: - Lazada (§2)

    static let lazadaGetParameters = [
        ("app_key", "123456"), ("timestamp", "1517820392000"), ("sign_method", "sha256"), ("access_token", "test"),
        ("order_id", "1234"),
    ]

    @Test func lazadaVendorGetVector() {
        #expect(
            LazadaSigner.signString(apiName: "/order/get", parameters: Self.lazadaGetParameters)
                == "/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000")
        #expect(
            LazadaSigner.sign(appSecret: "helloworld", apiName: "/order/get", parameters: Self.lazadaGetParameters)
                == "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A")
    }

    @Test func lazadaSignIgnoresTheSignParameterAndWireOrder() {
        let shuffled = Self.lazadaGetParameters.reversed() + [("sign", "ANYTHING")]
        #expect(
            LazadaSigner.sign(appSecret: "helloworld", apiName: "/order/get", parameters: Array(shuffled))
                == "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A")
    }

    @Test func lazadaPostPayloadVector() {
        let payload =
            "<Request><Product><Skus><Sku><ItemId>6718170187</ItemId><SkuId>12761620980</SkuId>"
            + "<Quantity>200</Quantity></Sku></Skus></Product></Request>"
        let parameters = [
            ("app_key", "123456"), ("timestamp", "1517820392000"), ("sign_method", "sha256"), ("access_token", "test"),
            ("payload", payload),
        ]
        #expect(
            LazadaSigner.sign(appSecret: "helloworld", apiName: "/product/price_quantity/update", parameters: parameters)
                == "D38C1EF558C8906E2AFD9985A59560B42051E23E5E39CF301C3AA8383A5C27B4")
    }

    @Test func lazadaPushSignature() {
        let body = #"{"seller_id":"1234567","message_type":0,"data":{},"timestamp":1603766859530,"site":"lazada_vn"}"#
        #expect(
            LazadaSigner.pushSignature(appSecret: "helloworld", appKey: "123456", body: Array(body.utf8))
                == "66f05427aa09bfd748d1ec250c7b72c4e9d534b2299f3160bb182e25c07050b9")
    }

    /// A digest with a leading zero byte still prints 64 digits (the `%032x` pitfall).
    @Test func hexKeepsLeadingZeros() {
        #expect(HMACHex.hex([0x00, 0x0a, 0xff], uppercase: false) == "000aff")
        #expect(HMACHex.hex([0x00, 0x0a, 0xff], uppercase: true) == "000AFF")
        for index in 0..<200 {
            #expect(HMACHex.sha256(key: "k", message: "m\(index)").count == 64)
        }
    }
}
