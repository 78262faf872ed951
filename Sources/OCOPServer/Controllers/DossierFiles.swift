import Crypto
import Foundation
import HTTPTypes
import Hummingbird
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

    /// The file as a download, for whoever the caller already checked may see the dossier.
    func download(_ fileID: Int, of dossier: Int, store: DossierStore) async throws -> Response {
        guard let (record, path) = try await store.file(fileID, of: dossier) else { throw Problem.notFound("no file \(fileID)") }
        guard let data = try await read(path) else { throw Problem.notFound("file \(fileID) is missing from the media folder") }
        let disposition =
            "attachment; filename*=UTF-8''" + (record.fileName.addingPercentEncoding(withAllowedCharacters: Self.headerSafe) ?? "file")
        return Response(
            status: .ok,
            headers: [
                .contentType: record.contentType, .contentDisposition: disposition, .cacheControl: "private, no-store",
                .contentLength: String(data.count), HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A dossier that takes no more files (sent on, or full) refuses before anything is written.
    func requireRoom(in dossier: Int, store: DossierStore) async throws {
        guard let record = try await store.dossier(dossier) else { throw Problem.notFound("no dossier \(dossier)") }
        guard record.state.isEditableByProducer else {
            throw Problem(.conflict, "dossier \(dossier) is \(record.state.rawValue): it can no longer be edited")
        }
        guard record.items.reduce(0, { $0 + $1.files.count }) < DossierStore.maxFiles else {
            throw Problem(.conflict, "dossier \(dossier) already holds \(DossierStore.maxFiles) files")
        }
    }

    /// RFC 8187's attr-char: what may stand unencoded in `filename*=UTF-8''…`.
    static let headerSafe = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static let tooLarge = Problem(.contentTooLarge, "a dossier file may be at most \(DossierFileType.maxBytes / 1024 / 1024) MB")
}
