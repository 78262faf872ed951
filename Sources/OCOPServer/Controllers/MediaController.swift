import Crypto
public import Foundation
import Hummingbird
import NIOPosix
import OCOPDomain
import Synchronization

/// `GET /media/{path}`: images with their real content type, an ETag, a year of caching and `Range`.
/// Files are read once (off the event loops) and kept in memory; no path outside the folder is served.
struct MediaController<Context: RequestContext>: Sendable {
    let library: MediaLibrary

    func addRoutes(to router: Router<Context>) {
        router.get("media/**", use: serve)
        router.head("media/**", use: serve)
    }

    @Sendable func serve(_ request: Request, context: Context) async throws -> Response {
        let path = context.parameters.getCatchAll().joined(separator: "/")
        guard let file = try await library.file(at: path) else {
            throw Problem.notFound("no media file '\(path)'")
        }
        var headers: HTTPFields = [
            .eTag: file.etag, .cacheControl: "public, max-age=31536000, immutable", .acceptRanges: "bytes",
            .contentType: file.mediaType,
        ]
        if let asked = request.headers[.ifNoneMatch], HTTPHelpers.matches(asked, file.etag) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        let total = file.bytes.count
        var range: ClosedRange<Int>?
        if let rangeHeader = request.headers[.range],
            request.headers[.ifRange] == nil || request.headers[.ifRange] == file.etag
        {
            switch ByteRange.parse(rangeHeader, length: total) {
            case .none: break
            case .unsatisfiable:
                headers[.contentRange] = "bytes */\(total)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            case .range(let asked): range = asked
            }
        }
        let slice = range.map { Array(file.bytes[$0]) } ?? file.bytes
        headers[.contentLength] = String(slice.count)
        if let range { headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(total)" }
        let body: ResponseBody = request.method == .head ? .init() : .init(byteBuffer: ByteBuffer(bytes: slice))
        return Response(status: range == nil ? .ok : .partialContent, headers: headers, body: body)
    }
}

/// One `Range: bytes=…` header, as RFC 9110 reads it for a single range.
enum ByteRange: Equatable {
    case none
    case unsatisfiable
    case range(ClosedRange<Int>)

    /// Several ranges, or other units, are answered with the whole file (`none`), as the RFC allows.
    static func parse(_ header: String, length: Int) -> ByteRange {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return .none }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .none }
        if parts[0].isEmpty {
            guard let suffix = Int(parts[1]), suffix > 0 else { return parts[1].isEmpty ? .none : .unsatisfiable }
            return length == 0 ? .unsatisfiable : .range(max(0, length - suffix)...(length - 1))
        }
        guard let start = Int(parts[0]) else { return .none }
        guard start < length else { return .unsatisfiable }
        if parts[1].isEmpty { return .range(start...(length - 1)) }
        guard let end = Int(parts[1]), end >= start else { return .none }
        return .range(start...min(end, length - 1))
    }
}

/// The media folder's files, loaded on first request and cached.
public final class MediaLibrary: Sendable {
    struct File: Sendable {
        let bytes: [UInt8]
        let mediaType: String
        let etag: String
    }

    private let root: URL
    private let cache = Mutex<[String: File]>([:])
    /// Files larger than this are refused rather than held in memory.
    static let maxFileBytes = 16 * 1024 * 1024

    public init(directory: URL) {
        root = directory.standardizedFileURL.resolvingSymlinksInPath()
    }

    func file(at path: String) async throws -> File? {
        // Dossier files (`dossiers/…`) lie in the media folder but are private: only the dossier
        // route serves them, to the producer and the office.
        guard let relative = MediaPath.normalise(path), !relative.hasPrefix("dossiers/") else { return nil }
        if let cached = cache.withLock({ $0[relative] }) { return cached }
        let root = self.root
        let loaded: File? = try await NIOThreadPool.singleton.runIfActive {
            let url = root.appendingPathComponent(relative).resolvingSymlinksInPath()
            // A symlink inside the folder must not lead out of it.
            guard url.path.hasPrefix(root.path + "/"),
                let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
                attributes[.type] as? FileAttributeType == .typeRegular,
                let size = attributes[.size] as? Int, size <= Self.maxFileBytes,
                let data = FileManager.default.contents(atPath: url.path)
            else { return nil }
            let bytes = [UInt8](data)
            let mediaType = ImageInfo.sniff(bytes)?.mediaType ?? Self.textualType(relative) ?? "application/octet-stream"
            return File(bytes: bytes, mediaType: mediaType, etag: Self.etag(bytes))
        }
        if let loaded { cache.withLock { $0[relative] = loaded } }
        return loaded
    }

    private static func etag(_ bytes: [UInt8]) -> String {
        "\"" + HexDigits.string(SHA256.hash(data: bytes).prefix(16)) + "\""
    }

    private static func textualType(_ path: String) -> String? {
        path.hasSuffix(".svg") ? "image/svg+xml" : nil
    }
}
