import Crypto
import OCOPDomain
import OCOPStorage
import Synchronization

/// The public catalog as of one day: immutable, built once after each committed change and swapped
/// in whole, so reads never touch the database and never see half of a change.
final class CatalogSnapshot: Sendable {
    /// The day (Asia/Ho_Chi_Minh) publication was judged on.
    let day: CalendarDate
    /// What the snapshot was built from, kept to rebuild it when the day changes.
    let contents: CatalogContents
    let products: [PublishedProduct]
    let productIndexBySlug: [String: Int]
    let producers: [PublishedProducer]
    let producerIndexBySlug: [String: Int]
    let search: SearchIndex
    /// The next day on which some product's publication changes (an expiry, say); nil if none.
    let nextChange: CalendarDate?
    /// A digest of the published content: the same catalog gives the same version on every node.
    let version: String
    /// This snapshot among all built by this process, in order: what caches key on. (An object's
    /// address is not an identity: a later snapshot may be allocated where a freed one was.)
    let serial: UInt64 = CatalogSnapshot.nextSerial.add(1, ordering: .relaxed).newValue
    private static let nextSerial = Atomic<UInt64>(0)
    let classification: ClassificationTree
    let localities: Localities
    /// Per sort (relevance excluded): the product indices in that order, and each product's position in it.
    private let orders: [ProductSort: [Int32]]
    private let ranks: [ProductSort: [Int32]]
    let filters: ProductFilterIndex
    /// The facets of the whole catalog, for lists without filters.
    let allFacets: ProductFilterIndex.FacetCounter
    /// Every variant by SKU and GTIN with its name and price, for the console (built on first use:
    /// the public catalog never needs it, and a cold start should not pay for it).
    var skus: SKUDirectory {
        skuDirectory.withLock { built in
            if let built { return built }
            let directory = SKUDirectory(contents)
            built = directory
            return directory
        }
    }
    private let skuDirectory = Mutex<SKUDirectory?>(nil)
    /// Encoded list pages of this snapshot.
    /// Half the default: anonymous list pages are mostly answered from `ListAnswerCache` in front.
    let pageCache = EncodedPageCache(maxBytes: 4 << 20)

    init(
        contents: CatalogContents, day: CalendarDate, classification: ClassificationTree, localities: Localities
    ) {
        self.day = day
        self.contents = contents
        self.classification = classification
        self.localities = localities
        let producersBySlug = Dictionary(contents.producers.map { ($0.slug, $0) }, uniquingKeysWith: { a, _ in a })
        // Pre-encoding every product is, with the search index, most of a cold start: on all cores.
        let published = parallelChunks(total: contents.products.count) { range in
            contents.products[range].compactMap { product -> PublishedProduct? in
                guard let certificate = PublicationRule.currentCertificate(among: product.certificates, on: day),
                    let producer = producersBySlug[product.producerSlug],
                    let province = localities.province(code: product.provinceCode)
                else { return nil }
                return PublishedProduct(
                    product: product, producer: producer, certificate: certificate, province: province,
                    commune: product.communeCode.flatMap(localities.commune(code:)))
            }
        }.flatMap { $0 }
        products = published
        productIndexBySlug = Dictionary(uniqueKeysWithValues: published.enumerated().map { ($1.product.slug, $0) })
        search = SearchIndex(products: published)
        nextChange = PublicationRule.nextChange(among: contents.products.flatMap(\.certificates), after: day)
        // The rest each read the published products only: at once, on all cores.
        let (producerParts, sortParts, filterParts, version) = concurrently(
            { Self.publishedProducers(contents.producers, published, localities) },
            { Self.sortOrders(published) },
            { () -> (ProductFilterIndex, ProductFilterIndex.FacetCounter) in
                let filters = ProductFilterIndex(products: published)
                var all = filters.facetCounter()
                for index in published.indices { filters.count(index, into: &all) }
                return (filters, all)
            },
            { Self.version(of: published, on: day) })
        (producers, producerIndexBySlug) = producerParts
        (orders, ranks) = sortParts
        (filters, allFacets) = filterParts
        self.version = version
    }

    /// Producers with at least one published product, by folded name, and their index by slug.
    private static func publishedProducers(
        _ all: [Producer], _ published: [PublishedProduct], _ localities: Localities
    ) -> ([PublishedProducer], [String: Int]) {
        var byProducer: [String: [Int]] = [:]
        for (index, entry) in published.enumerated() { byProducer[entry.producer.slug, default: []].append(index) }
        let producers = all.compactMap { producer -> PublishedProducer? in
            guard let indices = byProducer[producer.slug],
                let province = localities.province(code: producer.provinceCode)
            else { return nil }
            return PublishedProducer(
                producer: producer, province: province,
                commune: producer.communeCode.flatMap(localities.commune(code:)), productIndices: indices)
        }
        .sorted { ($0.foldedName, $0.producer.slug) < ($1.foldedName, $1.producer.slug) }
        return (producers, Dictionary(uniqueKeysWithValues: producers.enumerated().map { ($1.producer.slug, $0) }))
    }

    /// Per sort (relevance excluded): the product indices in that order, and each product's position.
    private static func sortOrders(
        _ published: [PublishedProduct]
    ) -> ([ProductSort: [Int32]], [ProductSort: [Int32]]) {
        var orders: [ProductSort: [Int32]] = [:]
        var ranks: [ProductSort: [Int32]] = [:]
        for sort in ProductSort.allCases where sort != .relevance {
            let keys = published.map { Self.sortKey($0, sort) }
            let order = published.indices.sorted { keys[$0] < keys[$1] }.map { Int32($0) }
            var rank = [Int32](repeating: 0, count: published.count)
            for (position, index) in order.enumerated() { rank[Int(index)] = Int32(position) }
            orders[sort] = order
            ranks[sort] = rank
        }
        return (orders, ranks)
    }

    /// A digest of the day and every published product's documents.
    private static func version(of published: [PublishedProduct], on day: CalendarDate) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(day.description.utf8))
        for entry in published { entry.digest.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        return hasher.finalize().prefix(12).map { byte in
            let hex = Array("0123456789abcdef")
            return String([hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }.joined()
    }

    /// The snapshot of an empty catalog, served until the first load finishes.
    static func empty(day: CalendarDate, classification: ClassificationTree, localities: Localities) -> CatalogSnapshot {
        CatalogSnapshot(
            contents: CatalogContents(producers: [], products: []), day: day, classification: classification,
            localities: localities)
    }

    func product(slug: String) -> PublishedProduct? { productIndexBySlug[slug].map { products[$0] } }

    func producer(slug: String) -> PublishedProducer? { producerIndexBySlug[slug].map { producers[$0] } }

    // MARK: - Ordering

    static func sortKey(_ entry: PublishedProduct, _ sort: ProductSort, relevance: Int64 = 0) -> SortKey {
        let primary: Int64 =
            switch sort {
            case .relevance: relevance
            case .name: 0
            case .stars: -Int64(entry.certificate.stars.value)
            case .newest: -Int64(entry.product.listedOn.daysSince1970)
            case .priceAscending: Int64(entry.priceMin)
            case .priceDescending: -Int64(entry.priceMax)
            }
        return SortKey(primary: primary, name: entry.foldedName, slug: entry.product.slug)
    }

    /// The indices of all products in `sort` order (relevance excluded: it depends on the query).
    func order(_ sort: ProductSort) -> [Int32] { orders[sort] ?? [] }

    /// Each product's position in `sort` order (relevance excluded).
    func rank(_ sort: ProductSort) -> [Int32] { ranks[sort] ?? [] }
}

/// A producer with at least one published product.
struct PublishedProducer: Sendable {
    let producer: Producer
    let province: Province
    let commune: Commune?
    let productIndices: [Int]
    let foldedName: String

    init(producer: Producer, province: Province, commune: Commune?, productIndices: [Int]) {
        self.producer = producer
        self.province = province
        self.commune = commune
        self.productIndices = productIndices
        self.foldedName = VietnameseText.fold(producer.name)
    }
}
