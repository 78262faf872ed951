public import Foundation
public import OCOPDomain

/// Writes a small catalog in the `Catalog/` YAML format, with products chosen to exercise the
/// publication rule (valid, expired, revoked, 2★, expiring tomorrow) and search ranking.
/// "Today" for the fixture is `CatalogFixture.today` (2026-11-22).
public struct CatalogFixture: Sendable {
    public static let today = CalendarDate(year: 2026, month: 11, day: 22)!
    /// Noon in Vietnam on `today`.
    public static let noonToday = Moment(unixMilliseconds: today.startInVietnam.unixMilliseconds + 12 * 3_600_000)

    public let catalog: URL
    public let media: URL

    /// The published products of the fixture (as of `today`), by slug.
    public static let publishedSlugs: Set<String> = Set(
        ["tra-shan-tuyet-dac-biet", "cam-sanh-hop-5kg", "mat-ong-bac-ha", "gom-men-lam", "nuoc-mam-cua-lo",
            "sap-het-han"] + (1...30).map { "san-pham-thu-\($0)" })
    /// Products in the files that must never be public today.
    public static let hiddenSlugs: Set<String> = ["ruou-nep-het-han", "na-bo-bi-thu-hoi", "gao-hai-sao", "gio-cha-chua-danh-gia"]

    /// Writes the fixture into `directory` (folders `catalog/` and `media/`).
    public init(in directory: TemporaryDirectory) throws {
        catalog = directory.path("catalog")
        media = directory.path("media")
        try Self.writeImage(to: media.appendingPathComponent("products/sample.png"))
        for producer in Self.producers { try directory.write(producer.yaml, to: "catalog/producers/\(producer.slug).yaml") }
        for product in Self.products { try directory.write(product.yaml, to: "catalog/products/\(product.slug).yaml") }
    }

    // MARK: - Content

    public struct ProducerSpec: Sendable {
        public var slug, name, type, province, commune: String
        public var yaml: String {
            """
            slug: \(slug)
            name: \(name)
            type: \(type)
            registration_number: "5000\(slug.count)"
            representative: Nguyễn Văn An
            phone: "0912345678"
            address: Thôn Tân Lập
            province: "\(province)"
            commune: "\(commune)"
            story:
              vi: Cơ sở sản xuất lâu đời của xã.

            """
        }
    }

    public struct ProductSpec: Sendable {
        public var slug, name, producer, group: String
        public var province = "08"
        public var commune = "01156"
        public var listedOn = "2025-01-15"
        public var story = "Sản phẩm truyền thống của địa phương."
        public var nameEN: String?
        public var price = 100_000
        public var gtin: String? = nil
        public var sku: String
        public var certificates: String

        public var yaml: String {
            """
            slug: \(slug)
            name:
              vi: \(name)\(nameEN.map { "\n  en: \($0)" } ?? "")
            producer: \(producer)
            group: \(group)
            province: "\(province)"
            commune: "\(commune)"
            listed_on: \(listedOn)
            standards: [VietGAP]
            description:
              vi: Mô tả ngắn của \(name).
            story:
              vi: \(story)
              en: A local product.
            variants:
              - sku: \(sku)
                label: hộp 500g
                price: \(price)
                weight_grams: 550\(gtin.map { "\n    gtin: \"\($0)\"" } ?? "")
            media:
              - file: products/sample.png
                alt:
                  vi: Ảnh \(name)
            certificates:
            \(certificates)
            """
        }
    }

    /// A certificate entry, indented for the `certificates:` list.
    public static func certificate(
        stars: Int, score: Int, issued: String, number: String, extra: String = ""
    ) -> String {
        """
          - number: "\(number)"
            decision_number: "QD-\(number)"
            authority: UBND tỉnh Tuyên Quang
            stars: \(stars)
            score: \(score)
            issued_on: \(issued)
        \(extra.isEmpty ? "" : extra + "\n")
        """
    }

    public static let producers: [ProducerSpec] = [
        ProducerSpec(slug: "htx-dong-xanh", name: "HTX Đồng Xanh", type: "cooperative", province: "08", commune: "01156"),
        ProducerSpec(
            slug: "ho-kinh-doanh-tuong-mai", name: "Hộ kinh doanh Tương Mai", type: "household_business",
            province: "08", commune: "01156"),
        ProducerSpec(
            slug: "cong-ty-ha-noi", name: "Công ty Làng Nghề Hà Nội", type: "enterprise", province: "01",
            commune: "00070"),
        ProducerSpec(
            slug: "htx-chi-bi-thu-hoi", name: "HTX Chỉ Bị Thu Hồi", type: "cooperative", province: "31",
            commune: "11503"),
    ]

    public static let products: [ProductSpec] = {
        var products = [
            ProductSpec(
                slug: "tra-shan-tuyet-dac-biet", name: "Trà shan tuyết Đặc biệt", producer: "ho-kinh-doanh-tuong-mai",
                group: "I.5.a", listedOn: "2024-12-20", nameEN: "Special Shan tuyet tea", price: 180_000, sku: "TRA-DB",
                certificates: certificate(stars: 3, score: 62, issued: "2024-12-18", number: "01/GCN")),
            ProductSpec(
                slug: "cam-sanh-hop-5kg", name: "Cam sành hộp 5kg", producer: "htx-dong-xanh", group: "I.1.a",
                listedOn: "2024-12-21", story: #"Cam "sành" trồng trên đất đồi, vị ngọt\chua đặc biệt của vùng cao."#,
                price: 250_000, gtin: "8934588012228", sku: "CAM-5KG",
                certificates: certificate(stars: 4, score: 75, issued: "2024-12-18", number: "02/GCN")),
            ProductSpec(
                slug: "mat-ong-bac-ha", name: "Mật ong bạc hà", producer: "htx-dong-xanh", group: "I.2.b",
                listedOn: "2025-06-01", price: 450_000, sku: "MAT-ONG",
                certificates: certificate(stars: 5, score: 92, issued: "2025-05-10", number: "03/GCN")),
            ProductSpec(
                slug: "gom-men-lam", name: "Gốm men lam", producer: "cong-ty-ha-noi", group: "IV.1", province: "01",
                commune: "00070", listedOn: "2025-03-03", price: 1_200_000, sku: "GOM-LAM",
                certificates: certificate(stars: 3, score: 55, issued: "2025-03-01", number: "04/GCN")),
            ProductSpec(
                slug: "nuoc-mam-cua-lo", name: "Nước mắm Cửa Lò", producer: "cong-ty-ha-noi", group: "I.4.a",
                province: "01", commune: "00070", listedOn: "2024-02-02", price: 95_000, sku: "MAM-CL",
                certificates: certificate(stars: 3, score: 58, issued: "2022-01-10", number: "05a/GCN")
                    + certificate(stars: 4, score: 80, issued: "2025-01-10", number: "05b/GCN")),
            // Issued 2023-11-23: expires 2026-11-23, tomorrow for the fixture.
            ProductSpec(
                slug: "sap-het-han", name: "Miến dong sắp hết hạn", producer: "htx-dong-xanh", group: "I.3.b",
                sku: "MIEN-DONG", certificates: certificate(stars: 3, score: 60, issued: "2023-11-23", number: "06/GCN")),
            ProductSpec(
                slug: "ruou-nep-het-han", name: "Rượu nếp hết hạn", producer: "htx-dong-xanh", group: "II.1.a",
                sku: "RUOU-NEP", certificates: certificate(stars: 3, score: 60, issued: "2023-03-01", number: "07/GCN")),
            ProductSpec(
                slug: "na-bo-bi-thu-hoi", name: "Na bở bị thu hồi", producer: "htx-chi-bi-thu-hoi", group: "I.1.a",
                province: "31", commune: "11503", sku: "NA-BO",
                certificates: certificate(
                    stars: 4, score: 72, issued: "2025-01-01", number: "08/GCN",
                    extra: "    revoked_on: 2026-06-01\n    revocation_reason: Vi phạm an toàn thực phẩm")),
            ProductSpec(
                slug: "gao-hai-sao", name: "Gạo hai sao", producer: "htx-dong-xanh", group: "I.2.a", sku: "GAO-2S",
                certificates: certificate(stars: 2, score: 45, issued: "2025-01-01", number: "09/GCN")),
            ProductSpec(
                slug: "gio-cha-chua-danh-gia", name: "Giò chả chưa đánh giá", producer: "htx-dong-xanh",
                group: "I.3.d", sku: "GIO-CHA", certificates: "  []"),
        ]
        // Thirty more so that pagination spans several pages under every sort; ties in price and
        // stars on purpose, so ordering must fall back to name and slug.
        let groups = ["I.1.a", "I.5.b", "II.2.b", "III.2", "V.2", "VI.1"]
        for n in 1...30 {
            let stars = n % 7 == 0 ? 5 : (n % 3 == 0 ? 4 : 3)
            let score = stars == 5 ? 91 : (stars == 4 ? 71 : 51)
            products.append(
                ProductSpec(
                    slug: "san-pham-thu-\(n)", name: "Sản phẩm thử \(n % 10)", producer: n % 2 == 0 ? "htx-dong-xanh" : "cong-ty-ha-noi",
                    group: groups[n % groups.count], province: n % 2 == 0 ? "08" : "01",
                    commune: n % 2 == 0 ? "01156" : "00070", listedOn: "2025-0\(n % 9 + 1)-1\(n % 10)",
                    price: 50_000 * (n % 5 + 1), sku: "THU-\(n)",
                    certificates: certificate(stars: stars, score: score, issued: "2025-02-01", number: "T\(n)/GCN")))
        }
        return products
    }()

    /// A valid 2×1 PNG, enough for the importer to read its size.
    static func writeImage(to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let png: [UInt8] = [
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
            0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x7B, 0x40, 0xE8,
            0xDD, 0x00, 0x00, 0x00, 0x0F, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
            0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x00, 0x6F, 0x7F, 0x8B, 0x36, 0x00, 0x00, 0x00, 0x00, 0x49,
            0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
        ]
        try Data(png).write(to: url)
    }
}
