import HTTPTypes
import NIOCore
import Testing

@testable import OCOPServer

/// The bounded caches in front of the showroom and the catalog's gzip answers.
@Suite struct PageCacheTests {
    @Test func theRecentCacheKeepsWhatIsUsedAndDropsWhatIsNot() {
        // An entry costs its value, its key and 48 bytes: about 100 here. 2,000 in all: a
        // generation turns over past 1,000.
        let cache = RecentCache<[UInt8]>(maxBytes: 2_000) { $0.count }
        let page = [UInt8](repeating: 1, count: 50)
        for key in 0..<10 { cache.store("p\(key)", page) }  // 1,000 bytes: all young
        #expect(cache.value("p0") == page)
        cache.store("p10", page)  // past 1,000: the young generation becomes the old one
        // Used once more, p1 moves back to the young generation; p2…p9 are left in the old.
        #expect(cache.value("p1") == page)
        for key in 11..<21 { cache.store("p\(key)", page) }  // the young turns over again
        #expect(cache.value("p1") == page, "used after the first turn: kept")
        #expect(cache.value("p5") == nil, "not used for two turns: dropped")
        #expect(cache.count <= 20, "never more than the bound: \(cache.count) entries of 100 bytes")
    }

    @Test func theRecentCacheCountsKeysAndRefusesWhatIsTooLarge() {
        let cache = RecentCache<[UInt8]>(maxBytes: 2_560) { $0.count }  // at most 160 bytes an entry
        cache.store("huge", [UInt8](repeating: 0, count: 200))
        #expect(cache.value("huge") == nil)
        cache.store("fits", [UInt8](repeating: 0, count: 100))
        #expect(cache.value("fits")?.count == 100)
        // An empty answer under a long query is not free: its key is what takes the room.
        cache.store(String(repeating: "q", count: 200), [])
        #expect(cache.value(String(repeating: "q", count: 200)) == nil)
    }

    @Test func aCompressedPageInflatesToItsBytesAndRefusesDamagedOnes() throws {
        let html = Array(String(repeating: "<p>Trà Shan tuyết cổ thụ Suối Giàng</p>\n", count: 200).utf8)
        let cache = CompressedPageCache(maxBytes: 1 << 20)
        let page = try #require(cache.store("page", plain: html, etag: "\"e1\""))
        #expect(page.gzip.readableBytes < html.count / 10)
        let plain = try #require(page.answer(ifNoneMatch: nil, acceptsGzip: false, contentType: "text/html", cacheControl: "no-cache"))
        #expect(plain.body.map { Array($0.readableBytesView) } == html)
        #expect(plain.etag == "\"e1\"" && plain.contentEncoding == nil)
        let packed = try #require(page.answer(ifNoneMatch: nil, acceptsGzip: true, contentType: "text/html", cacheControl: "no-cache"))
        #expect(packed.contentEncoding == "gzip" && packed.etag == "W/\"e1\"")
        #expect(page.answer(ifNoneMatch: "W/\"e1\"", acceptsGzip: true, contentType: "text/html", cacheControl: "no-cache")?.status == .notModified)

        var truncated = page.gzip
        truncated.moveWriterIndex(to: truncated.writerIndex - 4)
        #expect(Gzip.decompress(truncated, plainSize: html.count) == nil)
        #expect(Gzip.decompress(page.gzip, plainSize: html.count - 1) == nil, "a wrong size is refused, not overrun")
    }

    @Test(arguments: [
        ("gzip", true), ("gzip, deflate, br", true), ("br;q=1.0, GZIP;q=0.5", true), ("x-gzip", true),
        ("*", true), ("identity", false), ("gzip;q=0", false), ("gzip; q = 0.000, br", false),
        ("gzip;q=0.001", true), ("*;q=0", false), ("gzip;q=0, *", false), ("br, *;q=0.1", true), ("", false),
        ("gzipx", false), (" gzip ", true),
    ])
    func anAcceptEncodingAllowsGzipOnlyWithAWeightAboveZero(header: String, accepted: Bool) {
        #expect(Gzip.isAccepted(header) == accepted, "\(header)")
    }
}
