import HTTPTypes
import NIOCore
import Testing

@testable import OCOPServer

/// The bounded caches in front of the showroom and the catalog's gzip answers.
@Suite struct PageCacheTests {
    @Test func theRecentCacheKeepsWhatIsUsedAndDropsWhatIsNot() {
        // An entry costs its value, its key and 48 bytes: about 100 here. 8,000 in all; the
        // youngest generation turns over past an eighth, 1,000 (ten entries or so).
        let cache = RecentCache<[UInt8]>(maxBytes: 8_000) { $0.count }
        let page = [UInt8](repeating: 1, count: 50)
        for key in 0..<11 { cache.store("p\(key)", page) }
        #expect(cache.value("p1") == page)
        for key in 11..<85 { cache.store("p\(key)", page) }  // past 8,000: the first generation goes
        #expect(cache.value("p5") == nil, "never read: dropped with its generation")
        #expect(cache.value("p1") == page, "read: given a second chance in the youngest")
        for key in 85..<250 { cache.store("p\(key)", page) }
        #expect(cache.value("p1") == nil, "not read after its second chance: dropped")
        #expect(cache.value("p249") == page)
        #expect(cache.heldBytes <= 8_000, "never more than the bound: \(cache.heldBytes)")
        #expect(cache.count >= 60, "the bound is used: \(cache.count) entries of 100 bytes")
    }

    @Test func keysStoredAgainAndAgainDoNotPileUpGenerations() {
        // Twenty keys (2,000 bytes, two generations' worth) stored 10,000 times in turn: each store
        // empties the old copy's generation and the whole never passes the bound, so only the cap
        // on generations lets the empty ones go (without it: about a thousand).
        let cache = RecentCache<[UInt8]>(maxBytes: 8_000) { $0.count }
        let page = [UInt8](repeating: 1, count: 50)
        for round in 0..<10_000 { cache.store("p\(round % 20)", page) }
        #expect(cache.generations <= RecentCache<[UInt8]>.maxGenerations, "\(cache.generations) generations")
        #expect(cache.count == 20 && cache.value("p3") == page)
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
        let cache = CompressedBodyCache(maxBytes: 1 << 20)
        let page = try #require(html.withUnsafeBytes { cache.store("page", plain: $0, etag: "\"e1\"") })
        #expect(Int(page.gzip.count) < html.count / 10)
        let plain = try #require(page.answer(ifNoneMatch: nil, acceptsGzip: false, contentType: "text/html", cacheControl: "no-cache"))
        #expect(plain.body.map { Array($0.readableBytesView) } == html)
        #expect(plain.etag == "\"e1\"" && plain.contentEncoding == nil)
        let packed = try #require(page.answer(ifNoneMatch: nil, acceptsGzip: true, contentType: "text/html", cacheControl: "no-cache"))
        #expect(packed.contentEncoding == "gzip" && packed.etag == "W/\"e1\"")
        #expect(page.answer(ifNoneMatch: "W/\"e1\"", acceptsGzip: true, contentType: "text/html", cacheControl: "no-cache")?.status == .notModified)

        let bytes = page.gzip.withUnsafeBytes { Array($0) }
        let truncated = Array(bytes.dropLast(4))
        #expect(truncated.withUnsafeBytes { Gzip.decompress($0, plainSize: html.count) } == nil)
        #expect(bytes.withUnsafeBytes { Gzip.decompress($0, plainSize: html.count - 1) } == nil, "a wrong size is refused, not overrun")
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

    @Test func documentsKeptForTheSnapshotHoldOnlyTheirBytes() {
        // A detail document is written into 2,048 reserved bytes and kept for the snapshot's life:
        // it must keep only its own (20k products, tens of MB).
        var json = JSONWriter(capacity: 2_048)
        json.beginObject()
        json.key("story")
        json.string(String(repeating: "Chè Shan tuyết ", count: 40))
        json.endObject()
        let bytes = json.exactBytes
        #expect(bytes.count > 600 && bytes.capacity < bytes.count + 64, "\(bytes.capacity) for \(bytes.count)")

        var grown: [Int32] = []
        for number in 0..<1_000 { grown.append(Int32(number)) }
        let kept = grown.trimmed
        #expect(kept == grown && kept.capacity < kept.count + 16, "\(kept.capacity) for \(kept.count)")
    }

    @Test func answersKeptInSlabsSurviveTheirGenerationWhenUsedAndStayWhole() throws {
        // 64 KB in four generations of 16 KB; each page compresses to about 1 KB, so the youngest
        // turns over every fifteen pages or so. A page read again and again must come back whole
        // every time, moved from slab to slab as its generation ages.
        let cache = CompressedBodyCache(maxBytes: 64 << 10)
        func page(_ number: Int) -> [UInt8] {
            Array((0..<400).map { "<li>Sản phẩm \(number) dòng \($0 * 7919 % 1000)</li>" }.joined().utf8)
        }
        let kept = page(0)
        _ = try #require(kept.withUnsafeBytes { cache.store("keep", plain: $0, etag: "\"k\"") })
        for number in 1..<300 {
            _ = page(number).withUnsafeBytes { cache.store("p\(number)", plain: $0, etag: "\"p\(number)\"") }
            let again = try #require(cache.body("keep"), "read after page \(number)")
            let plain = try #require(again.answer(ifNoneMatch: nil, acceptsGzip: false, contentType: "text/html", cacheControl: "no-cache"))
            #expect(plain.body.map { Array($0.readableBytesView) } == kept)
        }
        #expect(cache.body("p1") == nil, "not read for many turns: dropped")
    }
}
