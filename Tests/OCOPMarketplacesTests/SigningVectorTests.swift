import OCOPMarketplaces
import Testing

/// Every signing vector published in MARKETPLACES.md, reproduced.
@Suite struct SigningVectorTests {
    // MARK: - Shopee (§1)

    @Test func shopeePublicAPISign() {
        #expect(
            ShopeeSigner.sign(
                partnerKey: "test_partner_key_0123456789abcdef", partnerID: "2001887",
                path: "/api/v2/shop/auth_partner",
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
            LazadaSigner.sign(
                appSecret: "helloworld", apiName: "/product/price_quantity/update", parameters: parameters)
                == "D38C1EF558C8906E2AFD9985A59560B42051E23E5E39CF301C3AA8383A5C27B4")
    }

    @Test func lazadaPushSignature() {
        let body = #"{"seller_id":"1234567","message_type":0,"data":{},"timestamp":1603766859530,"site":"lazada_vn"}"#
        #expect(
            LazadaSigner.pushSignature(appSecret: "helloworld", appKey: "123456", body: Array(body.utf8))
                == "66f05427aa09bfd748d1ec250c7b72c4e9d534b2299f3160bb182e25c07050b9")
    }

    // MARK: - TikTok Shop (§3)

    @Test func tiktokVendorGetVector() {
        let query = [("timestamp", "1623812664"), ("app_key", "29a39d")]
        let wrapped =
            Array("e59af819cc".utf8)
            + TikTokSigner.signString(path: "/authorization/202309/shops", query: query, body: [])
            + Array("e59af819cc".utf8)
        #expect(
            String(decoding: wrapped, as: UTF8.self)
                == "e59af819cc/authorization/202309/shopsapp_key29a39dtimestamp1623812664e59af819cc")
        #expect(
            TikTokSigner.sign(appSecret: "e59af819cc", path: "/authorization/202309/shops", query: query, body: [])
                == "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8")
    }

    @Test func tiktokPostBodyVector() {
        let body =
            #"{"skus":[{"id":"1729592969712207012","inventory":[{"warehouse_id":"7068517275539719942","quantity":10}]}]}"#
        let query = [("app_key", "29a39d"), ("shop_cipher", "ROW_xxx"), ("timestamp", "1623812664")]
        #expect(
            TikTokSigner.sign(
                appSecret: "e59af819cc", path: "/product/202309/products/1729592969712207008/inventory/update",
                query: query, body: Array(body.utf8))
                == "70f04e5eb9676d0008ab03735cb4f29380fc439aee883b5542ea2b7fb15a23d6")
    }

    @Test func tiktokSignLeavesOutSignAndAccessToken() {
        let query = [("app_key", "29a39d"), ("timestamp", "1623812664"), ("sign", "x"), ("access_token", "t")]
        #expect(
            TikTokSigner.sign(appSecret: "e59af819cc", path: "/authorization/202309/shops", query: query, body: [])
                == "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8")
    }

    @Test func tiktokWebhookVendorVector() {
        let body =
            #"{"type":1,"tts_notification_id":"7380066284010030890","shop_id":"7495540735365777507","timestamp":1718305585,"#
            + #""data":{"is_on_hold_order":true,"order_id":"576653688135258178","order_status":"UNPAID","update_time":1718305585}}"#
        #expect(
            TikTokSigner.webhookSignature(appSecret: "123", appKey: "abcdef", body: Array(body.utf8))
                == "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05")
    }

    // MARK: - Meta (§5)

    @Test func metaAppSecretProof() {
        #expect(
            MetaAppSecretProof.proof(appSecret: "app-secret-234", accessToken: "access-token-0")
                == "739f1d37bf0e4af049f2e3efe31f8f1e6fdf43e44679b240e7db634101ffb917")
    }

    @Test func metaWebhookSignature() {
        #expect(
            MetaAppSecretProof.webhookSignature(
                appSecret: "app-secret-234", body: Array(#"{"object":"page","entry":[]}"#.utf8))
                == "sha256=010398e8518e3d28c3ce82f091d96ca7054450a990352c7136b811804946556f")
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
