import OCOPDomain
import Testing

@Suite struct LivestreamSessionTests {
    @Test(arguments: [
        ("CS01", true), ("cs1", true), ("MIEN2", true), ("ABCDEF1234", true),
        ("", false), ("01", false), ("CS", false), ("CS-01", false), ("ABCDEFG1", false), ("CS12345", false), ("CÁ1", false),
    ])
    func liveCodes(code: String, valid: Bool) {
        #expect(LiveCodeRules.isValid(code) == valid)
    }

    @Test func statusMovesOnlyForward() {
        #expect(LivestreamStatus.scheduled.canBecome(.live))
        #expect(LivestreamStatus.live.canBecome(.ended))
        #expect(LivestreamStatus.live.canBecome(.cancelled))
        #expect(!LivestreamStatus.ended.canBecome(.live))
        #expect(!LivestreamStatus.cancelled.canBecome(.scheduled))
        #expect(!LivestreamStatus.scheduled.canBecome(.ended))
        #expect(LivestreamStatus.allCases.filter(\.takesOrders) == [.scheduled, .live])
    }
}
