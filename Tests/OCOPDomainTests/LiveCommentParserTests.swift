import OCOPDomain
import Testing

@Suite struct LiveCommentParserTests {
    let parser = LiveCommentParser(codes: ["CS01", "MO02", "TR03", "NAM15"])

    func comment(_ text: String, viewer: String = "fb:1001", at seconds: Int64 = 0) -> LiveComment {
        LiveComment(
            viewerID: viewer, viewerName: "Lan Anh", text: text,
            postedAt: Moment(unixMilliseconds: 1_790_000_000_000 + seconds * 1000))
    }

    func quantities(_ intent: LiveOrderIntent?) -> [String: Int]? {
        intent.map { Dictionary(uniqueKeysWithValues: $0.lines.map { ($0.code, $0.quantity) }) }
    }

    @Test(
        arguments: [
            ("CS01 2 0912345678", ["CS01": 2], "0912345678"),
            ("chốt cs01 x2 sđt 0912.345.678", ["CS01": 2], "0912345678"),
            ("CS01 sl 2 - 0912 345 678", ["CS01": 2], "0912345678"),
            ("+84912345678 cs01", ["CS01": 1], "0912345678"),
            ("cs01 x2 mo02 x1 0987654321", ["CS01": 2, "MO02": 1], "0987654321"),
            ("Chốt đơn CS01 số lượng 3, sdt: 0912345678", ["CS01": 3], "0912345678"),
            ("cs01 2 hộp 0912345678", ["CS01": 2], "0912345678"),
            ("CS01*2 0912345678", ["CS01": 2], "0912345678"),
            ("2 cs01 0912345678", ["CS01": 2], "0912345678"),
            ("CHỐT CS01 0912345678", ["CS01": 1], "0912345678"),
            ("cs01 0912345678", ["CS01": 1], "0912345678"),
            ("0912345678 cs01", ["CS01": 1], "0912345678"),
            ("cs01x3 0912345678", ["CS01": 3], "0912345678"),
            ("cs01 x 3 0912345678", ["CS01": 3], "0912345678"),
            ("CS01 × 2 0912345678", ["CS01": 2], "0912345678"),
            ("cs01: 4 sdt 0912-345-678", ["CS01": 4], "0912345678"),
            ("CS01 sl2 0912345678", ["CS01": 2], "0912345678"),
            ("cs01 2hop 0912345678", ["CS01": 2], "0912345678"),
            ("cs01 hai hộp 0912345678", ["CS01": 2], "0912345678"),
            ("lấy 2 hộp cs01 nha shop 0912345678", ["CS01": 2], "0912345678"),
            ("2 cs01 3 mo02 0912345678", ["CS01": 2, "MO02": 3], "0912345678"),
            ("cs01 2 mo02 0912345678", ["CS01": 2, "MO02": 1], "0912345678"),
            ("cs01, mo02 5, tr03 x10 0912345678", ["CS01": 1, "MO02": 5, "TR03": 10], "0912345678"),
            ("Cs01 2 Mo02 3 Tr03 1 sđt 0912345678", ["CS01": 2, "MO02": 3, "TR03": 1], "0912345678"),
            ("cs 01 2 0912345678", ["CS01": 2], "0912345678"),
            ("cs1 x2 0912345678", ["CS01": 2], "0912345678"),
            ("nam15 1 0987 654 321", ["NAM15": 1], "0987654321"),
            ("chốt CS01 sl 99 0912345678", ["CS01": 99], "0912345678"),
            ("cs01 2 sđt0912345678", ["CS01": 2], "0912345678"),
            ("cs01 sdt 0912345678 x2", ["CS01": 2], "0912345678"),
            ("84 912 345 678 cs01 x2", ["CS01": 2], "0912345678"),
            ("+84 912 345 678 chốt mo02", ["MO02": 1], "0912345678"),
            ("Em lấy CS01 x2 ạ, số điện thoại 0912.345.678, giao giờ hành chính", ["CS01": 2], "0912345678"),
            ("đặt cs01 sl 2 0912345678 ship về Đà Nẵng được không?", ["CS01": 2], "0912345678"),
            ("CS01 2 AB09 3 0912345678", ["CS01": 2], "0912345678"),
            ("cs01 2 0912345678 ❤️❤️", ["CS01": 2], "0912345678"),
            ("cs01 x2 cs01 x3 0912345678", ["CS01": 3], "0912345678"),
            ("cs01 1 0912 345 678 2", ["CS01": 1], "0912345678"),
            ("Chốt cs01 0912345678 hoặc 0987654321", ["CS01": 1], "0912345678"),
        ] as [(String, [String: Int], String)])
    func readsOrdersInTheUsualForms(text: String, lines: [String: Int], phone: String) {
        let intent = parser.parse(comment(text))
        #expect(quantities(intent) == lines)
        #expect(intent?.phone.digits == phone)
    }

    @Test(
        arguments: [
            ("cs01 35.000d 0912345678", ["CS01": 1], "0912345678"),
            ("cs01 2 đ/c thôn Vĩnh Chính 0912345678", ["CS01": 2], "0912345678"),
            ("cs01 2 mo02 x3 giá 150k/hộp 0912345678", ["CS01": 2, "MO02": 3], "0912345678"),
            ("cs01 50 ngàn 0912345678", ["CS01": 1], "0912345678"),
            ("cs01 350.000đ 0912345678", ["CS01": 1], "0912345678"),
            ("cs01 350 k 0912345678", ["CS01": 1], "0912345678"),
            ("cs01 x2 giá 35k 0912345678", ["CS01": 2], "0912345678"),
            ("cs01 2 150.000 vnđ 0912345678", ["CS01": 2], "0912345678"),
            ("cs01 35K sdt 0912345678", ["CS01": 1], "0912345678"),
            ("35k cs01 0912345678", ["CS01": 1], "0912345678"),
            ("cs01 50ngàn 0912345678", ["CS01": 1], "0912345678"),
            ("CS01 50 NGÀN 0912345678", ["CS01": 1], "0912345678"),
            ("cs01 350 nghin 0912345678", ["CS01": 1], "0912345678"),
            ("cs01 1.200.000đ 0912345678", ["CS01": 1], "0912345678"),
            ("CS01 350.000 VNĐ 0912.345.678", ["CS01": 1], "0912345678"),
            ("cs01 35.000 0912345678", ["CS01": 1], "0912345678"),  // thousand dots without a unit
            ("cs01 35.000 0912 345 678", ["CS01": 1], "0912345678"),
            ("cs01 35k x2 0912345678", ["CS01": 2], "0912345678"),
            ("cs01 150 nghìn 2 hộp 0912345678", ["CS01": 2], "0912345678"),
            ("chốt 2 cs01 giá 35k 0912345678", ["CS01": 2], "0912345678"),
            ("cs01 2 mo02 x3 giá 150k/hộp 0912345678", ["CS01": 2, "MO02": 3], "0912345678"),
            ("cs01 2kg 0912345678", ["CS01": 2], "0912345678"),  // kg is a unit, not k
        ] as [(String, [String: Int], String)])
    func pricesAreNeverQuantities(text: String, lines: [String: Int], phone: String) {
        let intent = parser.parse(comment(text))
        #expect(quantities(intent) == lines)
        #expect(intent?.phone.digits == phone)
    }

    @Test(arguments: [
        "Chào shop, chúc phiên live đắt hàng!",
        "Xin chào mọi người",
        "CS01 giá bao nhiêu vậy shop?",
        "cs01 còn không shop",
        "cs01 x2",  // no phone number
        "chốt cs01 sl 2",
        "0912345678",  // phone without a code
        "sđt 0912345678 inbox em với",
        "Chốt đơn 0912345678 nha",
        "XY99 2 0912345678",  // a code of another session
        "CS07 x2 0912345678",
        "cs01 2 0243826888",  // landline
        "cs01 2 091234567",  // nine digits
        "cs01 2 09123456789",  // eleven digits
        "cs01 2 0612345678",  // no such network
        "CS01 giá 150k, ship 30k",
        "Cs01 bao nhiêu tiền vậy 0912345678",
        "cs01 có ship Hà Nội không? 0912345678",
        "cs01 0 0912345678",  // zero units
        "cs01 x100 0912345678",  // beyond 99: staff enter it directly
        "cs01 sl 150 0912345678",
        "cs01 x100 giá 35k 0912345678",  // a price does not excuse an impossible quantity
        "cs01 35k còn không 0912345678",
        "Số tài khoản 0912345678901 cs01",  // thirteen digits are not a phone number
    ])
    func ignoresCommentsThatAreNotOrders(text: String) {
        #expect(parser.parse(comment(text)) == nil)
    }

    @Test func phoneDigitsAreNeverQuantities() {
        let intent = parser.parse(comment("CS01 0912 345 678"))
        #expect(intent?.quantity(of: "CS01") == 1)
        #expect(intent?.phone.digits == "0912345678")
    }

    @Test func linesKeepTheSessionsSpellingAndTheWrittenOrder() {
        let intent = parser.parse(comment("tr03 x1 cs01 x2 mo02 0912345678"))
        #expect(intent?.lines.map(\.code) == ["TR03", "CS01", "MO02"])
        #expect(intent?.totalQuantity == 4)
        #expect(intent?.quantity(of: "cs01") == 2)
        #expect(intent?.quantity(of: "NAM15") == 0)
    }

    @Test func intentsCarryTheViewerAndTime() {
        let intent = parser.parse(comment("CS01 2 0912345678", viewer: "tt:77", at: 5))
        #expect(intent?.viewerID == "tt:77")
        #expect(intent?.viewerName == "Lan Anh")
        #expect(intent?.postedAt == Moment(unixMilliseconds: 1_790_000_005_000))
    }

    @Test func codesThatShareANumberNeedTheExactSpelling() {
        let parser = LiveCommentParser(codes: ["cs01", "CS1"])
        #expect(quantities(parser.parse(comment("CS01 2 0912345678"))) == ["cs01": 2])
        #expect(quantities(parser.parse(comment("cs001 2 0912345678"))) == nil)
    }

    @Test func repeatsFromTheSameViewerKeepTheLargerQuantityNotTheSum() {
        let intents = [
            parser.parse(comment("CS01 2 0912345678", at: 1))!,
            parser.parse(comment("CS01 2 0912345678", at: 9))!,
            parser.parse(comment("chốt cs01 x3 mo02 0912.345.678", at: 20))!,
            parser.parse(comment("cs01 1 0912345678", at: 30))!,
        ]
        let merged = LiveCommentParser.merge(intents)
        #expect(merged.count == 1)
        #expect(
            merged.first?.lines == [LiveOrderLine(code: "CS01", quantity: 3), LiveOrderLine(code: "MO02", quantity: 1)])
        #expect(merged.first?.postedAt == intents[0].postedAt)
    }

    @Test func differentCodesFromTheSameViewerAreCombined() {
        let merged = LiveCommentParser.merge([
            parser.parse(comment("CS01 2 0912345678", at: 1))!,
            parser.parse(comment("TR03 x4 +84912345678", at: 2))!,
        ])
        #expect(merged.count == 1)
        #expect(quantities(merged.first) == ["CS01": 2, "TR03": 4])
    }

    @Test func otherViewersAndOtherPhonesStaySeparateInFirstSeenOrder() {
        let merged = LiveCommentParser.merge([
            parser.parse(comment("CS01 2 0912345678", viewer: "fb:1", at: 1))!,
            parser.parse(comment("CS01 2 0912345678", viewer: "fb:2", at: 2))!,
            parser.parse(comment("CS01 1 0987654321", viewer: "fb:1", at: 3))!,
            parser.parse(comment("MO02 1 0912345678", viewer: "fb:1", at: 4))!,
        ])
        #expect(merged.map(\.viewerID) == ["fb:1", "fb:2", "fb:1"])
        #expect(merged.map(\.phone.digits) == ["0912345678", "0912345678", "0987654321"])
        #expect(quantities(merged.first) == ["CS01": 2, "MO02": 1])
    }

    @Test func mergingNothingGivesNothing() {
        #expect(LiveCommentParser.merge([]).isEmpty)
    }
}
