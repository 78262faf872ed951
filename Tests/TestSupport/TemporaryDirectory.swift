public import Foundation

/// A fresh folder under the system's temporary directory, for one test's files and database.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(_ label: String = "ocop-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    public func write(_ text: String, to relative: String) throws {
        let file = path(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Where the package's own folders are, found from this source file.
public enum PackagePaths {
    public static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    public static var catalog: URL { root.appendingPathComponent("Catalog") }
    public static var media: URL { root.appendingPathComponent("Media") }
}
