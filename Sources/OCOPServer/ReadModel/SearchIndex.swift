import OCOPDomain

/// An inverted index over folded words of the published products: names, producers and stories.
///
/// Every query word but the last must match a whole word; the last may be a prefix, so results
/// follow a shopper as they type. Hits in the name count most, so name matches rank first.
struct SearchIndex: Sendable {
    /// One product holding one word, with the best weight the word has in it, packed in 32 bits
    /// (product << 4 | weight): the index holds millions of these.
    struct Posting: Sendable {
        let packed: UInt32
        init(product: Int, weight: UInt8) { packed = UInt32(product) << 4 | UInt32(weight) }
        var product: Int { Int(packed >> 4) }
        var weight: UInt8 { UInt8(packed & 0xF) }
    }

    /// The score of one product for one query.
    struct Match: Sendable {
        let product: Int
        /// How many query words the product's name holds; ranking puts these first.
        let nameHits: Int
        let score: Int
    }

    static let nameWeight: UInt8 = 8
    static let producerWeight: UInt8 = 3
    static let textWeight: UInt8 = 1

    private let postings: [String: [Posting]]
    /// Every distinct word, sorted, for prefix lookups.
    private let words: [String]
    private let productCount: Int

    init(products: [PublishedProduct]) {
        // Tokenising is most of a cold start: both cores take a half each, then the halves are
        // joined word by word (the first half's products come first, so lists stay sorted).
        var parts = parallelChunks(total: products.count) { Self.postings(of: products, in: $0) }
        var postings: [String: [Posting]] = [:]
        postings.reserveCapacity(parts.first?.words.count ?? 0)
        // Each list moves out of its part (no copy), and parts are emptied as they are joined, so
        // the peak memory of a cold start holds the postings about once, not twice.
        for partIndex in parts.indices {
            for number in 0..<parts[partIndex].words.count {
                let list = parts[partIndex].lists[number]
                parts[partIndex].lists[number] = []
                let word = parts[partIndex].words.word(number)
                if postings[word] == nil { postings[word] = list } else { postings[word]!.append(contentsOf: list) }
            }
            parts[partIndex] = Part()
        }
        // Lists grown by appending keep up to half their capacity spare: keep each at its size,
        // replacing them one by one rather than copying the whole dictionary.
        var position = postings.values.startIndex
        while position != postings.values.endIndex {
            postings.values[position] = postings.values[position].trimmed
            postings.values.formIndex(after: &position)
        }
        self.postings = postings
        self.words = postings.keys.sorted()
        self.productCount = products.count
    }

    /// The postings of one range of products, by word number in `words`.
    private struct Part: @unchecked Sendable {
        var words = WordTable()
        var lists: [[Posting]] = []
    }

    private static func postings(of products: [PublishedProduct], in range: Range<Int>) -> Part {
        var part = Part()
        // Per word number: the last product that held it, and its best weight there.
        var lastProduct: [Int32] = []
        var bestWeight: [UInt8] = []
        var touched: [Int] = []
        var splitter = WordSplitter()
        for index in range {
            let entry = products[index]
            // The best weight of each word within this product, then one posting per word: products
            // are visited in order, so every posting list comes out sorted by product.
            touched.removeAll(keepingCapacity: true)
            func add(_ text: String?, _ weight: UInt8) {
                guard let text else { return }
                splitter.forEachWord(text) { word in
                    let (number, isNew) = part.words.number(of: word)
                    if isNew {
                        part.lists.append([])
                        lastProduct.append(-1)
                        bestWeight.append(0)
                    }
                    if lastProduct[number] != Int32(index) {
                        lastProduct[number] = Int32(index)
                        bestWeight[number] = weight
                        touched.append(number)
                    } else if bestWeight[number] < weight {
                        bestWeight[number] = weight
                    }
                }
            }
            let product = entry.product
            add(product.name.vi, Self.nameWeight)
            add(product.name.en, Self.nameWeight)
            add(entry.producer.name, Self.producerWeight)
            for text in [product.description.vi, product.description.en, product.story.vi, product.story.en] {
                add(text, Self.textWeight)
            }
            for number in touched {
                part.lists[number].append(Posting(product: index, weight: bestWeight[number]))
            }
        }
        return part
    }

    /// The products that hold every word of `query`, with their scores; empty when nothing matches.
    func search(_ query: String) -> [Match] {
        let queryWords = VietnameseText.words(query)
        guard !queryWords.isEmpty else { return [] }
        var matchedWords = [UInt8](repeating: 0, count: productCount)
        var scores = [Int32](repeating: 0, count: productCount)
        var nameHits = [UInt8](repeating: 0, count: productCount)
        // The best weight of the current word per product (0: not seen), and who was seen.
        var wordBest = [UInt8](repeating: 0, count: productCount)
        var seen: [Int32] = []
        var candidates: [Int] = []

        for (position, word) in queryWords.enumerated() {
            let isLast = position == queryWords.count - 1
            let lists = isLast && word.count >= 2 ? postingLists(withPrefix: word) : [postings[word] ?? []]
            seen.removeAll(keepingCapacity: true)
            for list in lists {
                for posting in list {
                    let product = posting.product
                    guard matchedWords[product] == position else { continue }  // missed an earlier word
                    let weight = posting.weight
                    if wordBest[product] == 0 { seen.append(Int32(product)) }
                    if weight > wordBest[product] { wordBest[product] = weight }
                }
            }
            if seen.isEmpty { return [] }
            for product32 in seen {
                let product = Int(product32)
                let weight = wordBest[product]
                wordBest[product] = 0
                matchedWords[product] = UInt8(truncatingIfNeeded: position + 1)
                scores[product] += Int32(weight)
                if weight >= Self.nameWeight { nameHits[product] += 1 }
                if isLast { candidates.append(product) }
            }
        }
        return candidates.map { Match(product: $0, nameHits: Int(nameHits[$0]), score: Int(scores[$0])) }
    }

    private func postingLists(withPrefix prefix: String) -> [[Posting]] {
        var low = 0
        var high = words.count
        while low < high {
            let mid = (low + high) / 2
            if words[mid] < prefix { low = mid + 1 } else { high = mid }
        }
        var lists: [[Posting]] = []
        var index = low
        while index < words.count, words[index].hasPrefix(prefix) {
            lists.append(postings[words[index]]!)
            index += 1
        }
        return lists
    }
}
