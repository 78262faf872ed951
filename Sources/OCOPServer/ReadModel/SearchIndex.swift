import OCOPDomain

/// An inverted index over folded words of the published products: names, producers and stories.
///
/// Every query word but the last must match a whole word; the last may be a prefix, so results
/// follow a shopper as they type. Hits in the name count most, so name matches rank first.
struct SearchIndex: Sendable {
    struct Posting: Sendable {
        let product: Int32
        let weight: UInt8
        var inName: Bool { weight >= SearchIndex.nameWeight }
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
        var postings: [String: [Posting]] = [:]
        for (index, entry) in products.enumerated() {
            // The best weight of each word within this product, then one posting per word: products
            // are visited in order, so every posting list comes out sorted by product.
            var weights: [String: UInt8] = [:]
            func add(_ text: String?, _ weight: UInt8) {
                guard let text else { return }
                for word in VietnameseText.words(text) where weights[word, default: 0] < weight { weights[word] = weight }
            }
            let product = entry.product
            add(product.name.vi, Self.nameWeight)
            add(product.name.en, Self.nameWeight)
            add(entry.producer.name, Self.producerWeight)
            for text in [product.description.vi, product.description.en, product.story.vi, product.story.en] {
                add(text, Self.textWeight)
            }
            for (word, weight) in weights {
                postings[word, default: []].append(Posting(product: Int32(index), weight: weight))
            }
        }
        self.postings = postings
        self.words = postings.keys.sorted()
        self.productCount = products.count
    }

    /// The products that hold every word of `query`, with their scores; empty when nothing matches.
    func search(_ query: String) -> [Match] {
        let queryWords = VietnameseText.words(query)
        guard !queryWords.isEmpty else { return [] }
        var matchedWords = [UInt8](repeating: 0, count: productCount)
        var scores = [Int](repeating: 0, count: productCount)
        var nameHits = [UInt8](repeating: 0, count: productCount)
        var candidates: [Int] = []

        for (position, word) in queryWords.enumerated() {
            let isLast = position == queryWords.count - 1
            let lists = isLast && word.count >= 2 ? postingLists(withPrefix: word) : [postings[word] ?? []]
            var wordBest: [Int: Posting] = [:]
            for list in lists {
                for posting in list {
                    let product = Int(posting.product)
                    guard matchedWords[product] == position else { continue }  // missed an earlier word
                    if let current = wordBest[product], current.weight >= posting.weight { continue }
                    wordBest[product] = posting
                }
            }
            for (product, posting) in wordBest {
                matchedWords[product] = UInt8(truncatingIfNeeded: position + 1)
                scores[product] += Int(posting.weight)
                if posting.inName { nameHits[product] += 1 }
                if isLast { candidates.append(product) }
            }
            if wordBest.isEmpty { return [] }
        }
        return candidates.map { Match(product: $0, nameHits: Int(nameHits[$0]), score: scores[$0]) }
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
