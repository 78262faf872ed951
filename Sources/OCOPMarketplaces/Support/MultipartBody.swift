/// A `multipart/form-data` body: text fields and one file, with a boundary no part contains.
package struct MultipartBody {
    package let boundary: String
    package private(set) var bytes: [UInt8] = []

    package init(boundary: String) { self.boundary = boundary }

    package var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    package mutating func addField(_ name: String, _ value: String) {
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
    }

    package mutating func addFile(_ name: String, fileName: String, contentType: String, data: [UInt8]) {
        append(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(fileName)\"\r\n"
                + "Content-Type: \(contentType)\r\n\r\n")
        bytes += data
        append("\r\n")
    }

    /// The body with its closing boundary.
    package func finished() -> [UInt8] { bytes + Array("--\(boundary)--\r\n".utf8) }

    private mutating func append(_ text: String) { bytes += Array(text.utf8) }

    /// The image content type implied by a file name (the platforms take JPEG and PNG).
    package static func imageContentType(fileName: String) -> String {
        fileName.lowercased().hasSuffix(".png") ? "image/png" : "image/jpeg"
    }
}
