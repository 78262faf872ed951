import OCOPDomain
import Testing

@Suite struct StringTrimmingTests {
    @Test(arguments: [
        ("  Mật ong bạc hà\n", "Mật ong bạc hà"),
        ("\u{00A0}\tTrà\u{3000}", "Trà"),
        ("Gốm men lam", "Gốm men lam"),
        ("Đặc biệt \r\n", "Đặc biệt"),
        (" \n ", ""),
        ("", ""),
    ])
    func trimsWhitespaceAtBothEndsOnly(text: String, trimmed: String) {
        #expect(text.trimmingWhitespace == trimmed)
    }
}
