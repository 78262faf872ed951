import Crypto
import Foundation
import HTTPTypes
import NIOPosix
import OCOPDomain
import OCOPStorage

/// Where dossier files lie: `{media}/dossiers/{id}/{sha256}.{ext}`, named by their content, typed
/// by their first bytes (PDF, JPEG, PNG), at most 10 MB. The public media route never serves them;
/// the dossier routes do, to the producer and the office. Used by the API and the console alike.
struct DossierFiles: Sendable {
    let mediaDirectory: URL

    /// Checks a file and writes it; the returned upload is what the store records.
    func store(_ bytes: [UInt8], name: String, dossier: Int) async throws -> DossierUpload {
        let name = name.trimmingWhitespace
        guard (1...200).contains(name.utf8.count), !name.contains("/"), !name.contains("\\"),
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw Problem.badParameter("name", "the file's name, 1–200 bytes, without slashes") }
        guard !bytes.isEmpty else { throw Problem.badParameter("file", "the file's bytes") }
        guard bytes.count <= DossierFileType.maxBytes else { throw Self.tooLarge }
        guard let type = DossierFileType.sniff(bytes) else {
            throw Problem(.unsupportedMediaType, "a dossier file must be a PDF, JPEG or PNG")
        }
        let digest = HexDigits.string(SHA256.hash(data: bytes))
        let relative = "dossiers/\(dossier)/\(digest).\(type.fileExtension)"
        let url = mediaDirectory.appendingPathComponent(relative)
        try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Named by content: the same file sent twice is one file.
            if !FileManager.default.fileExists(atPath: url.path) { try Data(bytes).write(to: url, options: .atomic) }
        }
        return DossierUpload(fileName: name, type: type, bytes: bytes.count, sha256: digest, storedPath: relative)
    }

    func read(_ relative: String) async throws -> Data? {
        let url = mediaDirectory.appendingPathComponent(relative)
        return try await NIOThreadPool.singleton.runIfActive { FileManager.default.contents(atPath: url.path) }
    }

    static let tooLarge = Problem(.contentTooLarge, "a dossier file may be at most \(DossierFileType.maxBytes / 1024 / 1024) MB")
}
