import Foundation

/// The OpenAPI 3.1 description of the HTTP API, shipped as `Resources/openapi.json`.
/// A test checks that every route of the router is described in it.
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "Resources"),
            let data = FileManager.default.contents(atPath: url.path)
        else { fatalError("openapi.json is missing from the OCOPServer resource bundle") }
        return [UInt8](data)
    }()

    static let etag = HTTPHelpers.etag(String(decoding: bytes, as: UTF8.self))
}
