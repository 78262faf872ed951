/// Paths of media files, kept inside the media folder whatever a catalog file or a URL says.
public enum MediaPath {
    /// The path as plain relative segments, or nil when it is absolute, climbs out with "..", or holds
    /// anything but letters, digits, '-', '_', '.' and '/'.
    public static func normalise(_ path: String) -> String? {
        guard !path.isEmpty, path.utf8.count <= 300, !path.hasPrefix("/") else { return nil }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            guard !segment.isEmpty, segment != ".", segment != "..", !segment.hasPrefix("."),
                segment.unicodeScalars.allSatisfy({
                    ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
                })
            else { return nil }
        }
        return path
    }
}
