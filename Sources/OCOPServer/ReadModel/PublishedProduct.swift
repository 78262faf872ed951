import Crypto
import NIOCore
import OCOPDomain

/// A product that is publishable on the snapshot's day, with everything a read needs pre-computed.
/// A class, not a struct: lists and searches pass thousands of these around per request, and a
/// reference costs one retain where a copy of all these fields cost dozens.
final class PublishedProduct: Sendable {
    let product: Product
    let producer: Producer
    let certificate: Certificate
    let province: Province
    let commune: Commune?
    let sector: String
    /// Every classification code the product lies under, from sector to leaf ("I", "I.5", "I.5.a").
    let groupPath: [String]
    let foldedName: String
    let priceMin: Int
    let priceMax: Int
    /// The list-item document per language.
    let summaryJSON: LocalizedJSON
    /// The detail document's story. The detail page is the summary without its `}`, the language,
    /// the story, then `detailRestJSON`.
    let storyJSON: LocalizedStory
    /// The detail document after its story, up to (not including) its stock-dependent members and
    /// closing brace.
    let detailRestJSON: LocalizedJSON
    /// A digest of both languages' documents, from which the snapshot's version is made. Computed
    /// here, on the cores that encode the products, rather than over the whole catalog on one core.
    let digest: SHA256.Digest

    init(product: Product, producer: Producer, certificate: Certificate, province: Province, commune: Commune?) {
        self.product = product
        self.producer = producer
        self.certificate = certificate
        self.province = province
        self.commune = commune
        sector = ClassificationTree.sectorCode(of: product.group)
        var path: [String] = []
        var code: String? = product.group
        while let current = code {
            path.insert(current, at: 0)
            code = ClassificationTree.parentCode(of: current)
        }
        groupPath = path
        foldedName = VietnameseText.fold(product.name.vi)
        priceMin = product.variants.map(\.price).min() ?? 0
        priceMax = product.variants.map(\.price).max() ?? 0
        var summaries: [[UInt8]] = []
        var rests: [[UInt8]] = []
        for language in [Language.vi, .en] {
            var summary = JSONWriter(capacity: 512)
            summary.beginObject()
            Self.writeSummaryMembers(&summary, product, producer, certificate, province, priceMin, priceMax, language)
            summary.endObject()
            summaries.append(summary.exactBytes)

            var rest = JSONWriter(capacity: 2048)
            rest.continueObject()
            Self.writeDetailMembersAfterStory(&rest, product, certificate, commune, language)
            rests.append(rest.exactBytes)  // left open: the request adds stock and listings
        }
        summaryJSON = LocalizedJSON(vi: summaries[0], en: summaries[1])
        storyJSON = LocalizedStory(product.story)
        detailRestJSON = LocalizedJSON(vi: rests[0], en: rests[1])
        var hasher = SHA256()
        for (language, (summary, rest)) in zip([Language.vi, .en], zip(summaries, rests)) {
            hasher.update(data: summary)
            storyJSON.hash(language, into: &hasher)
            hasher.update(data: rest)
        }
        digest = hasher.finalize()
    }

    /// Writes the detail document up to, not including, its stock-dependent members and closing brace.
    func writeDetailPrefixJSON(_ language: Language, into buffer: inout ByteBuffer) {
        let summary = summaryJSON[language]!
        buffer.writeBytes(summary[..<(summary.count - 1)])  // without its closing brace
        buffer.writeStaticString(language == .vi ? #","language":"vi""# : #","language":"en""#)
        buffer.writeStaticString(#","story":"#)
        storyJSON.write(language, into: &buffer)
        buffer.writeBytes(detailRestJSON[language]!)
    }

    /// About the size of the finished detail document: what to reserve for it.
    func detailJSONSize(_ language: Language) -> Int {
        summaryJSON[language]!.count + storyJSON.byteCount(language) + detailRestJSON[language]!.count + 48
    }

    var coverImagePath: String? { product.media.first?.path }

    // MARK: - Encoding

    private static func writeSummaryMembers(
        _ json: inout JSONWriter, _ product: Product, _ producer: Producer, _ certificate: Certificate,
        _ province: Province, _ priceMin: Int, _ priceMax: Int, _ language: Language
    ) {
        json.key("slug")
        json.string(product.slug)
        json.key("name")
        json.string(product.name.text(in: language))
        json.key("stars")
        json.int(certificate.stars.value)
        json.key("potential_five_star")
        json.bool(certificate.potentialFiveStar)
        json.key("group")
        json.string(product.group)
        json.key("province")
        json.codeAndName(province.code, province.name)
        json.key("producer")
        json.beginObject()
        json.key("slug")
        json.string(producer.slug)
        json.key("name")
        json.string(producer.name)
        json.endObject()
        json.key("price_min")
        json.int(priceMin)
        json.key("price_max")
        json.int(priceMax)
        json.key("cover_image")
        json.string(product.media.first.map { MediaURL.path(for: $0.path) })
        json.key("certificate_expires_on")
        json.string(certificate.expiresOn.description)
    }

    private static func writeDetailMembersAfterStory(
        _ json: inout JSONWriter, _ product: Product, _ certificate: Certificate, _ commune: Commune?,
        _ language: Language
    ) {
        json.key("description")
        json.string(product.description.text(in: language))
        json.key("variants")
        json.beginArray()
        for variant in product.variants {
            json.beginObject()
            json.key("sku")
            json.string(variant.sku)
            json.key("label")
            json.string(variant.label)
            json.key("price")
            json.int(variant.price)
            json.key("gtin")
            json.string(variant.gtin?.digits)
            json.key("weight_grams")
            json.int(variant.weightGrams)
            json.endObject()
        }
        json.endArray()
        json.key("media")
        json.beginArray()
        for media in product.media {
            json.beginObject()
            json.key("url")
            json.string(MediaURL.path(for: media.path))
            json.key("alt")
            json.string(media.alt.text(in: language))
            json.key("width")
            json.int(media.width)
            json.key("height")
            json.int(media.height)
            json.endObject()
        }
        json.endArray()
        json.key("certificate")
        json.beginObject()
        json.key("number")
        json.string(certificate.number)
        json.key("decision_number")
        json.string(certificate.decisionNumber)
        json.key("stars")
        json.int(certificate.stars.value)
        json.key("score")
        json.double(certificate.score)
        json.key("issued_on")
        json.string(certificate.issuedOn.description)
        json.key("expires_on")
        json.string(certificate.expiresOn.description)
        json.key("authority")
        json.string(certificate.authority)
        json.key("legal_basis")
        json.string(certificate.legalBasis)
        json.key("status")
        json.string(CertificateStatus.valid.rawValue)
        json.endObject()
        json.key("standards")
        json.beginArray()
        for standard in product.standards { json.string(standard) }
        json.endArray()
        json.key("commune")
        if let commune {
            json.codeAndName(commune.code, commune.name)
        } else {
            json.null()
        }
        json.key("listed_on")
        json.string(product.listedOn.description)
    }
}

/// Finished JSON bytes in each language. Most products have no English text, so the English bytes
/// usually equal the Vietnamese ones; they are then the same array, stored once.
struct LocalizedJSON: Sendable {
    let vi: [UInt8]
    let en: [UInt8]

    init(vi: [UInt8], en: [UInt8]) {
        self.vi = vi
        self.en = en == vi ? vi : en
    }

    /// Optional only so that call sites written for a `[Language: [UInt8]]` keep compiling; never nil.
    subscript(language: Language) -> [UInt8]? { language == .vi ? vi : en }
}

/// Public URLs of media files.
enum MediaURL {
    static func path(for relativePath: String) -> String { "/media/" + relativePath }
}
