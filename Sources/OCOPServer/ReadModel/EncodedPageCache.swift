/// Recently encoded list pages, by request (stock version, language, query). Each snapshot owns
/// one, so a page can never outlive the catalog it was computed from: a new snapshot starts with an
/// empty cache.
final class EncodedPageCache: Sendable {
    private let pages: RecentCache<[UInt8]>

    init(maxBytes: Int = 8 << 20) {
        pages = RecentCache(maxBytes: maxBytes) { $0.count }
    }

    func page(_ key: String) -> [UInt8]? { pages.value(key) }

    func store(_ key: String, _ bytes: [UInt8]) { pages.store(key, bytes) }

    var count: Int { pages.count }
}
