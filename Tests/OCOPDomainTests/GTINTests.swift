import OCOPDomain
import Testing

@Suite struct GTINTests {
    @Test(arguments: ["8934588012228", "8931234567897", "4006381333931"])
    func acceptsCorrectCheckDigits(code: String) {
        #expect(GTIN(code)?.digits == code)
    }

    @Test(arguments: ["8934588012229", "893458801222", "89345880122280", "893458801222X", ""])
    func refusesWrongDigitsOrLengths(code: String) {
        #expect(GTIN(code) == nil)
    }

    @Test func vietnameseCodesStartWith893AndExtendToFourteenDigits() {
        let gtin = GTIN("8934588012228")!
        #expect(gtin.isVietnamese)
        #expect(gtin.gtin14 == "08934588012228")
        #expect(!GTIN("4006381333931")!.isVietnamese)
    }
}
