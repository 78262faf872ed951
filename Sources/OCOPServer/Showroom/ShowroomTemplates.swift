import Crypto
import Foundation
import Mustache

/// The showroom's and the console's Mustache templates and their stylesheet, read once from the
/// bundle's `Resources/showroom` and `Resources/console` at start. The stylesheet is served under a name that carries a digest of
/// its bytes, so browsers may keep it for a year and still see every change.
public struct ShowroomTemplates: Sendable {
    let library: MustacheLibrary
    let stylesheet: [UInt8]
    /// "/static/showroom-<digest>.css"
    let stylesheetPath: String
    /// The console's one script (`Resources/console/console.js`), at "/static/console-<digest>.js".
    let consoleScript: [UInt8]
    let consoleScriptPath: String

    static let folder = "Resources/showroom"

    /// The templates shipped with the server. A template that does not parse is a defect of the
    /// build, caught by every test that starts a server: it stops the process with its name.
    static let bundled: ShowroomTemplates = {
        do { return try ShowroomTemplates() } catch { fatalError("\(error)") }
    }()

    /// Parses the bundled templates now on a Dispatch thread, for `ocop serve` to call first
    /// thing: the parse (60 ms on one core) then overlaps the catalog load, whose first part keeps
    /// one core only, instead of running after it on the way to ready. A later `bundled` waits
    /// for it if it is not done (a `static let` is initialised once).
    public static func parseInTheBackground() {
        DispatchQueue.global().async { _ = bundled }
    }

    init() throws {
        MustacheContentTypes.register(HTMLEscaping(), named: HTMLEscaping.name)
        guard let directory = Bundle.module.url(forResource: "showroom", withExtension: nil, subdirectory: "Resources")
        else { throw ShowroomSetupError(detail: "\(Self.folder) is missing from the bundle") }
        var templates: [String: MustacheTemplate] = [:]
        // The showroom's pages and the console's (named console-…), one library: they share the
        // stylesheet and the way pages are rendered.
        let console = directory.deletingLastPathComponent().appendingPathComponent("console")
        for folder in [directory, console] {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".mustache") {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                do {
                    templates[String(name.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
                } catch {
                    throw ShowroomSetupError(detail: "\(name): \(error)")
                }
            }
        }
        library = MustacheLibrary(templates: templates)
        stylesheet = Array(try Data(contentsOf: directory.appendingPathComponent("showroom.css")))
        stylesheetPath = "/static/showroom-\(Self.digest(stylesheet)).css"
        consoleScript = Array(try Data(contentsOf: console.appendingPathComponent("console.js")))
        consoleScriptPath = "/static/console-\(Self.digest(consoleScript)).js"
    }

    /// What a static file's name carries: 12 hex digits of its bytes' SHA-256.
    private static func digest(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).prefix(6).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// The bytes and content type of a static file's path, if it is one of ours.
    func staticFile(_ path: String) -> (bytes: [UInt8], contentType: String)? {
        switch path {
        case stylesheetPath: (stylesheet, "text/css; charset=utf-8")
        case consoleScriptPath: (consoleScript, "text/javascript; charset=utf-8")
        default: nil
        }
    }

    /// The page `name` rendered with `context`; a missing template is a programming error caught by
    /// the tests, answered as an empty page rather than a crash.
    func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }
}

struct ShowroomSetupError: Error, CustomStringConvertible {
    let detail: String
    var description: String { "showroom templates: \(detail)" }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
