import OCOPMarketplaces

/// Listing content as the sync engine builds it, with a real (tiny) PNG to upload.
enum SampleListing {
    /// A 1×1 PNG.
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00,
        0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E,
        0xAB, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    static func content(
        sku: String = "CHE-THAI-100", title: String = "Chè Thái Nguyên tôm nõn 100 g", priceVND: Int = 185_000,
        stock: Int = 12, categoryID: String = "100644", attributes: [String: String] = ["100134": "Thái Nguyên"]
    ) -> ListingContent {
        ListingContent(
            sku: sku, title: title,
            description:
                "Chè búp tôm nõn hái tay ở Tân Cương.\nOCOP 4 sao · Giấy chứng nhận số 12/QĐ-UBND · hiệu lực đến 31/12/2028",
            priceVND: priceVND, stock: stock, weightGrams: 150,
            images: [
                ListingImage(url: "https://ocop.example/media/che-1.png", bytes: png, fileName: "che-1.png"),
                ListingImage(url: "https://ocop.example/media/che-2.png", bytes: png, fileName: "che-2.png"),
            ],
            categoryID: categoryID, attributes: attributes, productURL: "https://ocop.example/p/che-thai-nguyen",
            brand: "HTX Chè Tân Cương", gtin: "8938505974192")
    }
}
