/// What an image file is, read from its first bytes: its media type and, when known, its size.
public struct ImageInfo: Hashable, Sendable {
    public init(mediaType: String, width: Int, height: Int) {
        self.mediaType = mediaType
        self.width = width
        self.height = height
    }

    public let mediaType: String
    public let width: Int
    public let height: Int

    /// Recognises PNG, JPEG, GIF and WebP (VP8/VP8L/VP8X) by signature; nil for anything else.
    public static func sniff(_ bytes: some Collection<UInt8>) -> ImageInfo? {
        let b = Array(bytes.prefix(64 * 1024))
        func be16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        func le16(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
        func le24(_ i: Int) -> Int { le16(i) | Int(b[i + 2]) << 16 }

        if b.count >= 24, b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return ImageInfo(mediaType: "image/png", width: be32(16), height: be32(20))
        }
        if b.count >= 10, b.starts(with: Array("GIF8".utf8)) {
            return ImageInfo(mediaType: "image/gif", width: le16(6), height: le16(8))
        }
        if b.count >= 30, b.starts(with: Array("RIFF".utf8)), Array(b[8..<12]) == Array("WEBP".utf8) {
            let chunk = String(decoding: b[12..<16], as: UTF8.self)
            switch chunk {
            case "VP8X": return ImageInfo(mediaType: "image/webp", width: le24(24) + 1, height: le24(27) + 1)
            case "VP8L":
                let bits = Int(b[21]) | Int(b[22]) << 8 | Int(b[23]) << 16 | Int(b[24]) << 24
                return ImageInfo(mediaType: "image/webp", width: (bits & 0x3FFF) + 1, height: (bits >> 14 & 0x3FFF) + 1)
            default: return ImageInfo(mediaType: "image/webp", width: le16(26) & 0x3FFF, height: le16(28) & 0x3FFF)
            }
        }
        if b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 {
            // Walk the JPEG segments to the start-of-frame marker, which carries the size.
            var i = 2
            while i + 9 < b.count {
                guard b[i] == 0xFF else { return nil }
                let marker = b[i + 1]
                if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                    return ImageInfo(mediaType: "image/jpeg", width: be16(i + 7), height: be16(i + 5))
                }
                i += 2 + be16(i + 2)
            }
            return ImageInfo(mediaType: "image/jpeg", width: 0, height: 0)
        }
        return nil
    }
}
