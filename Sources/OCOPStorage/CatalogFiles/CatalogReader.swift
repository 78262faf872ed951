public import Foundation
import Dispatch
public import OCOPDomain
import Yams

/// The catalog as read from files, or every problem found in them.
public enum CatalogReadResult: Sendable {
    case valid(CatalogContents)
    case invalid([CatalogIssue])
}

/// Reads `producers/*.yaml` and `products/*.yaml` from a catalog folder and validates them against the
/// classification tree, the 2025 localities and the media folder. Nothing is written anywhere.
public struct CatalogReader: Sendable {
    let catalogDirectory: URL
    let mediaDirectory: URL
    private let classification: ClassificationTree
    private let localities: Localities
    /// Files parsed together on all cores and then written together by an import.
    let filesPerBatch: Int

    public init(
        catalogDirectory: URL, mediaDirectory: URL,
        classification: ClassificationTree = BundledData.classification,
        localities: Localities = BundledData.localities, filesPerBatch: Int = 256
    ) {
        self.catalogDirectory = catalogDirectory
        self.mediaDirectory = mediaDirectory
        self.classification = classification
        self.localities = localities
        self.filesPerBatch = max(1, filesPerBatch)
    }

    /// Reads and validates the whole catalog at once.
    public func read() -> CatalogReadResult {
        let reading = reading()
        var producers: [Producer] = []
        var products: [Product] = []
        while let batch = reading.nextBatch() {
            producers += batch.producers.map(\.record)
            products += batch.products.map(\.record)
        }
        return reading.issues.isEmpty
            ? .valid(CatalogContents(producers: producers, products: products)) : .invalid(reading.issues)
    }

    /// Reads the catalog a batch of files at a time (see `CatalogReading`), so an import holds one
    /// batch in memory, not the whole catalog.
    public func reading() -> CatalogReading { CatalogReading(reader: self) }

    // MARK: - Files

    struct CatalogFile {
        let url: URL
        let relativePath: String
        let slug: String
    }

    func yamlFiles(in folder: String, issues: inout [CatalogIssue]) -> [CatalogFile] {
        let directory = catalogDirectory.appendingPathComponent(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            issues.append(CatalogIssue(file: folder, line: 0, field: "(folder)", reason: "missing folder \(directory.path)"))
            return []
        }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { name in
            let slug = String(name[..<name.lastIndex(of: ".")!])
            return CatalogFile(url: directory.appendingPathComponent(name), relativePath: "\(folder)/\(name)", slug: slug)
        }
    }

    /// A file as the YAML parser left it: not readable as text, a syntax error, or a document (nil: empty).
    enum Parsed {
        case unreadable
        case failed(any Error)
        case document(Node?)
    }

    /// One file as a batch read it: its record with its canonical document (nil when the file has
    /// problems), its problems, and the SKUs it names, which are checked across files afterwards.
    struct FileReading<Record: Sendable> {
        let file: String
        let record: DocumentedRecord<Record>?
        let issues: [CatalogIssue]
        let skus: [NamedSKU]
    }

    /// A SKU as a file names it, with the field and line to report a second use at.
    struct NamedSKU {
        let sku: String
        let field: String
        let line: Int
    }

    /// Parses, validates and encodes a batch of files on all cores; the results come back in file
    /// order. This is most of an import's time, so none of it waits for the database.
    func read<Record: Encodable & Sendable>(
        _ files: ArraySlice<CatalogFile>, _ readRecord: @Sendable (Node, YAMLFieldReader, inout [NamedSKU]) -> Record?
    ) -> [FileReading<Record>] {
        files.concurrentMap { file in
            let fields = YAMLFieldReader(file: file.relativePath)
            var skus: [NamedSKU] = []
            var record: DocumentedRecord<Record>?
            if let root = check(Self.parse(file), file, fields), let value = readRecord(root, fields, &skus) {
                do {
                    record = DocumentedRecord(value, document: try CanonicalJSON.encode(value))
                } catch {
                    fields.report(nil, "(document)", "cannot be encoded as JSON: \(error)")
                }
            }
            return FileReading(file: file.relativePath, record: record, issues: fields.issues, skus: skus)
        }
    }

    private static func parse(_ file: CatalogFile) -> Parsed {
        guard let data = FileManager.default.contents(atPath: file.url.path),
            let text = String(data: data, encoding: .utf8)
        else { return .unreadable }
        do {
            // The basic resolver tags every plain scalar as text: the field reader interprets values
            // itself, and the default resolver's regular expressions (run again for every mapping
            // key by the parser's duplicate-key check) were a quarter of an import.
            // UTF-8 named, not `.default`: that one reads the process environment on every parse.
            return .document(try Yams.compose(yaml: text, .basic, .default, .utf8))
        } catch {
            return .failed(error)
        }
    }

    private func check(_ parsed: Parsed, _ file: CatalogFile, _ reader: YAMLFieldReader) -> Node? {
        switch parsed {
        case .unreadable:
            reader.report(nil, "(file)", "cannot be read as UTF-8 text")
            return nil
        case .failed(let error as YamlError):
            reader.report(nil, "(syntax)", "\(error)".replacingOccurrences(of: "\n", with: " "))
            return nil
        case .failed(let error):
            reader.report(nil, "(syntax)", "\(error)")
            return nil
        case .document(nil):
            reader.report(nil, "(document)", "the file is empty")
            return nil
        case .document(let root?):
            if let slug = root["slug"], slug.string != file.slug {
                reader.report(slug, "slug", "must equal the file name '\(file.slug)'")
            }
            return root
        }
    }

    // MARK: - Producers

    func readProducer(_ root: Node, _ reader: YAMLFieldReader) -> Producer? {
        let keys: Set = [
            "slug", "name", "type", "registration_number", "representative", "phone", "address", "province",
            "commune", "story",
        ]
        guard
            let fields = reader.fields(
                root, at: "", allowed: keys, required: keys.subtracting(["commune", "story"]))
        else { return nil }
        let typeText = fields.string("type")
        let type = typeText.flatMap(ProducerType.init(rawValue:))
        if typeText != nil && type == nil {
            reader.report(
                fields.node("type"), "type",
                "unknown producer type (one of \(ProducerType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let phone = fields.string("phone")
        if let phone, VietnamesePhoneNumber(phone) == nil {
            reader.report(fields.node("phone"), "phone", "'\(phone)' is not a Vietnamese phone number")
        }
        let locality = readLocality(fields, reader)
        guard let slug = fields.slug("slug"), let name = fields.string("name"), let type,
            let registration = fields.string("registration_number"),
            let representative = fields.string("representative"), let phone, let address = fields.string("address"),
            let locality
        else { return nil }
        let story = fields.has("story") ? fields.localized("story") : nil
        return Producer(
            slug: slug, name: name, type: type, registrationNumber: registration, representative: representative,
            phone: phone, address: address, provinceCode: locality.province, communeCode: locality.commune,
            story: story)
    }

    /// Landlines and mobiles: 10 or 11 digits starting with 0 once spaces, dots and dashes are gone.
    private func readLocality(_ fields: YAMLFields, _ reader: YAMLFieldReader) -> (province: String, commune: String?)? {
        guard let province = fields.string("province") else { return nil }
        let commune = fields.string("commune")
        let problems = localities.validate(provinceCode: province, communeCode: commune)
        for problem in problems {
            reader.report(fields.node(problem.field), fields.field(problem.field), problem.reason)
        }
        return problems.isEmpty ? (province, commune) : nil
    }

    // MARK: - Products

    func readProduct(
        _ root: Node, _ reader: YAMLFieldReader, producers: Set<String>, skus: inout [NamedSKU]
    ) -> Product? {
        let keys: Set = [
            "slug", "name", "producer", "group", "province", "commune", "listed_on", "standards", "description",
            "story", "variants", "media", "certificates",
        ]
        guard
            let fields = reader.fields(
                root, at: "", allowed: keys,
                required: ["slug", "name", "producer", "group", "province", "listed_on", "description", "story"])
        else { return nil }
        let producer = fields.slug("producer")
        if let producer, !producers.contains(producer) {
            reader.report(fields.node("producer"), "producer", "no producer '\(producer)' in producers/")
        }
        let group = fields.string("group")
        if let group {
            if let node = classification.node(group) {
                if !node.isLeaf {
                    reader.report(fields.node("group"), "group", "'\(group)' is not a leaf of the classification")
                }
            } else {
                reader.report(fields.node("group"), "group", "unknown classification code '\(group)'")
            }
        }
        let standards = fields.list("standards") { node, path -> String? in
            guard let text = node.string?.trimmingWhitespace, !text.isEmpty else {
                reader.report(node, path, "expected a standard's name")
                return nil
            }
            return text
        }
        let variants = fields.list("variants") { readVariant($0, $1, reader, skus: &skus) }
        if variants?.isEmpty == true {
            reader.report(fields.node("variants") ?? root, "variants", "a product needs at least one variant")
        }
        let media = fields.list("media") { readMedia($0, $1, reader) }
        let certificates = fields.list("certificates") { readCertificate($0, $1, reader) }
        if let certificates {
            var seen: Set<String> = []
            for certificate in certificates where !seen.insert(certificate.number).inserted {
                reader.report(fields.node("certificates"), "certificates", "number '\(certificate.number)' given twice")
            }
        }
        let locality = readLocality(fields, reader)
        guard let slug = fields.slug("slug"), let name = fields.localized("name"), let producer,
            producers.contains(producer), let group, classification.node(group)?.isLeaf == true,
            let listedOn = fields.date("listed_on"), let standards, let description = fields.localized("description"),
            let story = fields.localized("story"), let variants, !variants.isEmpty, let media, let certificates,
            let locality
        else { return nil }
        return Product(
            slug: slug, name: name, producerSlug: producer, group: group, provinceCode: locality.province,
            communeCode: locality.commune, listedOn: listedOn, standards: standards, description: description,
            story: story, variants: variants, media: media, certificates: certificates)
    }

    private func readVariant(
        _ node: Node, _ path: String, _ reader: YAMLFieldReader, skus: inout [NamedSKU]
    ) -> Variant? {
        guard
            let fields = reader.fields(
                node, at: path, allowed: ["sku", "label", "price", "weight_grams", "gtin"],
                required: ["sku", "label", "price"])
        else { return nil }
        let sku = fields.string("sku")
        if let sku {
            if !Variant.isValidSKU(sku) {
                reader.report(fields.node("sku"), fields.field("sku"), "'\(sku)' must be 2–40 of A–Z, 0–9 and '-'")
            } else {
                skus.append(NamedSKU(sku: sku, field: fields.field("sku"), line: fields.node("sku")?.mark?.line ?? 0))
            }
        }
        var gtin: GTIN?
        var gtinFailed = false
        if let text = fields.string("gtin") {
            gtin = GTIN(text)
            if gtin == nil {
                gtinFailed = true
                reader.report(fields.node("gtin"), fields.field("gtin"), "'\(text)' is not a GTIN-13 with a valid check digit")
            }
        }
        let weight = fields.has("weight_grams") ? fields.int("weight_grams", in: 1...1_000_000) : nil
        guard let sku, Variant.isValidSKU(sku), let label = fields.string("label"),
            let price = fields.int("price", in: 1...1_000_000_000), !gtinFailed,
            !fields.has("weight_grams") || weight != nil
        else { return nil }
        return Variant(sku: sku, label: label, price: price, weightGrams: weight, gtin: gtin)
    }

    private func readMedia(_ node: Node, _ path: String, _ reader: YAMLFieldReader) -> MediaReference? {
        guard let fields = reader.fields(node, at: path, allowed: ["file", "alt"], required: ["file", "alt"]),
            let file = fields.string("file"), let alt = fields.localized("alt")
        else { return nil }
        guard let relative = MediaPath.normalise(file) else {
            reader.report(fields.node("file"), fields.field("file"), "'\(file)' must be a relative path inside Media/")
            return nil
        }
        let url = mediaDirectory.appendingPathComponent(relative)
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            reader.report(fields.node("file"), fields.field("file"), "no file \(relative) in the media folder")
            return nil
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 64 * 1024)) ?? Data()
        guard let info = ImageInfo.sniff(head) else {
            reader.report(fields.node("file"), fields.field("file"), "\(relative) is not a PNG, JPEG, GIF or WebP image")
            return nil
        }
        return MediaReference(path: relative, alt: alt, width: info.width, height: info.height)
    }

    private func readCertificate(_ node: Node, _ path: String, _ reader: YAMLFieldReader) -> Certificate? {
        let keys: Set = [
            "number", "decision_number", "authority", "stars", "score", "issued_on", "expires_on",
            "potential_five_star", "revoked_on", "revocation_reason", "legal_basis",
        ]
        guard
            let fields = reader.fields(
                node, at: path, allowed: keys,
                required: ["number", "decision_number", "authority", "stars", "score", "issued_on"])
        else { return nil }
        let stars = fields.int("stars", in: 1...5).flatMap(StarRating.init)
        let score = fields.double("score", in: 0...100)
        let issuedOn = fields.date("issued_on")
        let expiresOn = fields.has("expires_on") ? fields.date("expires_on") : nil
        let revokedOn = fields.has("revoked_on") ? fields.date("revoked_on") : nil
        let potential = fields.has("potential_five_star") ? fields.bool("potential_five_star") : false
        guard let number = fields.string("number"), let decision = fields.string("decision_number"),
            let authority = fields.string("authority"), let stars, let score, let issuedOn, let potential,
            !fields.has("expires_on") || expiresOn != nil, !fields.has("revoked_on") || revokedOn != nil
        else { return nil }
        let certificate = Certificate(
            number: number, decisionNumber: decision, authority: authority, stars: stars, score: score,
            issuedOn: issuedOn, expiresOn: expiresOn, potentialFiveStar: potential, revokedOn: revokedOn,
            revocationReason: fields.string("revocation_reason"),
            legalBasis: fields.string("legal_basis") ?? classification.legalBasis)
        let problems = certificate.problems()
        for problem in problems {
            reader.report(fields.node(problem.field) ?? node, fields.field(problem.field), problem.reason)
        }
        return problems.isEmpty ? certificate : nil
    }
}
