import Testing

@testable import OCOPServer

/// Product pages build their ETag from numbers without formatting them: the digest must be the one
/// their decimal text gives, so it only changes when a version does.
struct ETagDigestTests {
    @Test(arguments: [0, 7, 10, 99, 1_234_567, Int.max, -1, -40, Int.min])
    func aNumberDigestsAsItsDecimalText(number: Int) {
        var fromNumber = ETagDigest()
        fromNumber.add(number)
        fromNumber.add("tail")
        var fromText = ETagDigest()
        fromText.add(String(number))
        fromText.add("tail")
        #expect(fromNumber.etag == fromText.etag)
    }

    @Test func partsAreSeparatedSoMovingABoundaryChangesTheETag() {
        #expect(HTTPHelpers.etag("ab", "c") != HTTPHelpers.etag("a", "bc"))
        #expect(HTTPHelpers.etag("1", "2") == HTTPHelpers.etag("1", "2"))
    }
}
