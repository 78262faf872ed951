import CurlHTTP
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import Testing

/// The fakes compare signatures case-sensitively, as the platforms do: the right digest in the
/// wrong case is refused with the platform's signature error.
@Suite struct FakeSignatureCaseTests {
    /// The signature parameter and the code the platform answers a wrong one with.
    static let cases: [(Marketplace, parameter: String, code: String)] = [
        (.shopee, "sign", "error_sign"), (.lazada, "sign", "IncompleteSignature"), (.tiktokShop, "sign", "106001"),
        (.facebook, "appsecret_proof", "100"),
    ]

    @Test(arguments: cases)
    func theRightDigestInTheWrongCaseIsRefused(_ marketplace: Marketplace, parameter: String, code: String) async throws
    {
        try await AdapterScenarios.run(marketplace) { scenario in
            let flipping = TamperingTransport(inner: CurlTransport()) { request in
                request.url = Self.flipCase(of: parameter, in: request.url)
                request.body = Array(
                    Self.flipCase(of: parameter, in: String(decoding: request.body, as: UTF8.self)).utf8)
            }
            let adapter = MarketplaceAdapters.adapter(for: marketplace, transport: flipping, clock: SystemWallClock())
            let error = await scenario.failure(
                of: .updateStock(externalID: "1", sku: "X", stock: 1), adapter: adapter)
            #expect(error?.code == code)
        }
    }

    /// Swaps upper and lower case in the value of `name=` (query string or form body).
    static func flipCase(of name: String, in text: String) -> String {
        guard let range = text.firstRange(of: "\(name)=") else { return text }
        let valueEnd = text[range.upperBound...].firstIndex(of: "&") ?? text.endIndex
        let value = text[range.upperBound..<valueEnd]
        let flipped = String(value.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })
        return String(text[..<range.upperBound]) + flipped + String(text[valueEnd...])
    }

    @Test func flippingCaseChangesOnlyTheNamedValue() {
        #expect(Self.flipCase(of: "sign", in: "a=b&sign=aB12&c=d") == "a=b&sign=Ab12&c=d")
        #expect(Self.flipCase(of: "sign", in: "a=b") == "a=b")
    }
}
