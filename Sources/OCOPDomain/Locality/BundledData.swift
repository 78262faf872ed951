import Foundation

/// The reference data shipped with the module: the classification tree and the 2025 localities.
public enum BundledData {
    /// The classification tree of Decision 148/QĐ-TTg (2023).
    public static let classification: ClassificationTree = {
        do {
            return try ClassificationTree(legalBasis: "148/QĐ-TTg", csv: resource("classification-148-2023"))
        } catch {
            fatalError("the shipped classification tree is broken: \(error)")
        }
    }()

    /// The 34 provinces and 3,321 communes in force since 01/07/2025.
    public static let localities: Localities = {
        do {
            return try Localities(csv: resource("localities-2025"))
        } catch {
            fatalError("the shipped locality list is broken: \(error)")
        }
    }()

    private static func resource(_ name: String) -> String {
        // The files are shipped beside the binary in the SwiftPM resource bundle; a binary copied
        // without its bundle cannot run, so failing loudly at start is the right answer.
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Resources"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else {
            fatalError("missing resource \(name).csv in \(Bundle.module.bundlePath)")
        }
        return text
    }
}
