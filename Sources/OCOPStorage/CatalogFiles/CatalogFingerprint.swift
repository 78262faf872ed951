import Crypto
import Foundation
import OCOPDomain

/// A digest of everything an import reads: every YAML file's path and content, and every media
/// file's path, size and modification time. Equal digests mean the import would find what the last
/// one stored, so an unchanged catalog is recognised without parsing 20,000 YAML files.
enum CatalogFingerprint {
    /// Bumped when the reader's rules change, so a new binary re-reads an old catalog once.
    static let readerVersion = "catalog-reader-1"

    /// The digest, or nil when a folder cannot be listed (then the import reads everything and
    /// reports the problem as usual).
    static func compute(catalogDirectory: URL, mediaDirectory: URL) -> String? {
        var outer = SHA256()
        outer.update(data: Array(readerVersion.utf8))
        for folder in ["producers", "products"] {
            let directory = catalogDirectory.appendingPathComponent(folder)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return nil }
            let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            // Hash the files on all cores; combine in name order.
            let digests = files.concurrentMap { name in
                FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
                    .map { Array(SHA256.hash(data: $0)) } ?? []
            }
            for (index, name) in files.enumerated() {
                outer.update(data: Array("\(folder)/\(name)\0".utf8))
                outer.update(data: digests[index])
            }
        }
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey]
        var media: [String] = []
        if let walker = FileManager.default.enumerator(at: mediaDirectory, includingPropertiesForKeys: keys) {
            for case let url as URL in walker {
                guard let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true else { continue }
                let seconds = values.contentModificationDate?.timeIntervalSince1970 ?? 0
                media.append("\(url.path)\0\(values.fileSize ?? -1)\0\(seconds)\n")
            }
        }
        for line in media.sorted() { outer.update(data: Array(line.utf8)) }
        return HexDigits.string(outer.finalize())
    }
}
