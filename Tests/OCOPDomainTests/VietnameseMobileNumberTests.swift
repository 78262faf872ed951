import OCOPDomain
import Testing

@Suite struct VietnameseMobileNumberTests {
    @Test(arguments: [
        ("0912345678", "0912345678"),
        ("0381234567", "0381234567"),
        ("0561234567", "0561234567"),
        ("0701234567", "0701234567"),
        ("0861234567", "0861234567"),
        ("0987654321", "0987654321"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+840912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("0912 - 345 - 678", "0912345678"),
        ("  0912345678\n", "0912345678"),
    ])
    func acceptsMobileNumbersInTheirUsualForms(text: String, digits: String) {
        #expect(VietnameseMobileNumber(text)?.digits == digits)
    }

    @Test(arguments: [
        "0243826888",  // Hà Nội landline
        "02838123456",  // Hồ Chí Minh City landline
        "0112345678",  // no such network
        "0612345678",
        "1912345678",  // no trunk zero
        "091234567",  // nine digits
        "09123456789",  // eleven digits
        "01681234567",  // pre-2018 eleven-digit mobile
        "+85212345678",  // another country
        "+8402438268888",
        "0912..345678",
        "0912    345678",
        ".0912345678",
        "0912345678-",
        "0912a345678",
        "+",
        "",
    ])
    func refusesLandlinesOtherPrefixesAndWrongLengths(text: String) {
        #expect(VietnameseMobileNumber(text) == nil)
    }

    @Test func staffSeeAMaskedFormAndGatewaysTheE164Form() {
        let number = VietnameseMobileNumber("0912.345.678")!
        #expect(number.masked == "0912***678")
        #expect(number.e164 == "+84912345678")
        #expect(number.description == "0912345678")
    }

    @Test func theSameNumberWrittenDifferentlyIsEqual() {
        #expect(VietnameseMobileNumber("+84 912 345 678") == VietnameseMobileNumber("0912-345-678"))
    }
}

/// The one phone rule: producers' and points' numbers may be landlines or hotlines; buyers' must be mobiles.
@Suite struct VietnamesePhoneNumberTests {
    @Test(arguments: [
        ("0912345678", "0912345678", VietnamesePhoneNumber.Kind.mobile),
        ("+84 912 345 678", "0912345678", .mobile),
        ("0207.3822.123", "02073822123", .landline),
        ("+84 24 3825 1234", "02438251234", .landline),
        ("1900 1234", "19001234", .hotline),
        ("1800.588.888", "1800588888", .hotline),
        ("(0207) 3822 123", "02073822123", .landline),
        ("+84 (24) 3825 1234", "02438251234", .landline),
        ("0168 345 6789", "01683456789", .beforeRenumbering),
    ])
    func aNumberIsReadInItsNationalForm(text: String, digits: String, kind: VietnamesePhoneNumber.Kind) {
        let number = VietnamesePhoneNumber(text)
        #expect(number?.digits == digits)
        #expect(number?.kind == kind)
    }

    @Test(arguments: ["0112345678", "091234567", "(0207 3822 123", "(02073822123456) 1", "02438251", "+1 202 555 0100", "0912 345 678 9", "1900", "19001234x", "0912..345678"])
    func otherTextIsNotAPhoneNumber(text: String) {
        #expect(VietnamesePhoneNumber(text) == nil)
    }

    @Test func onlyMobilesAreBuyersNumbers() {
        #expect(VietnameseMobileNumber("0912345678") != nil)
        #expect(VietnameseMobileNumber("02073822123") == nil)
        #expect(VietnameseMobileNumber("19001234") == nil)
        #expect(VietnameseMobileNumber("01683456789") == nil)  // renumbered in 2018: no SMS reaches it
    }
}
