import OCOPDomain
import Testing

@Suite struct VietnameseTextTests {
    @Test(arguments: [
        ("Trà shan tuyết Đặc biệt", "tra shan tuyet dac biet"),
        ("ĐỘ KHOA", "do khoa"),
        ("Rượu nếp men lá Kỳ Sơn", "ruou nep men la ky son"),
        ("Mật ong bạc hà", "mat ong bac ha"),
        ("Nấm Đông trùng Hạ thảo", "nam dong trung ha thao"),
        ("ư ơ ă â ê ô đ", "u o a a e o d"),
    ])
    func foldingDropsCaseDiacriticsAndStroke(text: String, folded: String) {
        #expect(VietnameseText.fold(text) == folded)
    }

    @Test func decomposedInputFoldsLikeComposed() {
        // "ặ" written as a + combining breve + combining dot below, as some keyboards send it.
        let decomposed = "Đa\u{0306}\u{0323}c"
        #expect(VietnameseText.fold(decomposed) == "dac")
    }

    @Test func slugsAreAsciiAndHyphenated() {
        #expect(VietnameseText.slug("Trà San tuyết công phu Độ Khoa (hộp 200 gram)") == "tra-san-tuyet-cong-phu-do-khoa-hop-200-gram")
        #expect(VietnameseText.isSlug("cam-sanh-ha-giang"))
        #expect(!VietnameseText.isSlug("Cam-sanh"))
        #expect(!VietnameseText.isSlug("cam--sanh"))
        #expect(!VietnameseText.isSlug("-cam"))
        #expect(!VietnameseText.isSlug("cam sành"))
    }
}
