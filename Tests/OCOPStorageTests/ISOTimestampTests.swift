import OCOPDomain
import OCOPStorage
import Testing

/// Stored timestamps are read back by hand (pages show hundreds); the result must be what the
/// general ISO 8601 reader gives, and anything off the stored shape must still go through it.
@Suite struct ISOTimestampTests {
    @Test func storedTimestampsReadBackToTheSameMoment() {
        for milliseconds: Int64 in [0, 1, 999, 86_399_999, 1_796_215_390_822, -1, -86_400_001, 253_402_300_799_999] {
            let moment = Moment(unixMilliseconds: milliseconds)
            #expect(ISOTimestamp.moment(ISOTimestamp.string(moment)) == moment, "\(milliseconds)")
        }
        #expect(ISOTimestamp.moment("2026-11-23T19:30:00+07:00") == ISOTimestamp.moment("2026-11-23T12:30:00.000Z"))
        #expect(ISOTimestamp.moment("2026-11-23T12:30:00Z") == ISOTimestamp.moment("2026-11-23T12:30:00.000Z"))
        for broken in ["2026-13-23T12:30:00.000Z", "2026-11-23T12:60:00.000Z",
                       "2026-11-23T12:30:0x.000Z", "2026-11-23 12:30:00.000Z", "2026-11-23T12:30:00.000+"] {
            #expect(ISOTimestamp.moment(broken) == nil, "\(broken)")
        }
    }
}
