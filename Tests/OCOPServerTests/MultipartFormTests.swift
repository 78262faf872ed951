import Testing

@testable import OCOPServer

/// The console's file forms: what a browser sends is read, and what an attacker crafts is refused
/// without a crash or a long search.
@Suite struct MultipartFormTests {
    private func body(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func aBrowsersFormGivesItsFieldsAndItsFile() throws {
        let form = try MultipartForm.parse(
            body(
                "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n"
                    + "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"giấy phép.pdf\"\r\n"
                    + "Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\nx\r\n--B--\r\n"), boundary: "B")
        #expect(form.fields["csrf"] == "abc")
        #expect(form.file?.fileName == "giấy phép.pdf")
        #expect(form.file?.bytes == body("%PDF-1.4\r\nx"))
        // The file's digest is part of the form, so another file is another write.
        #expect(form.fields["file_sha256"]?.count == 64)
    }

    @Test func aPartWhoseHeadersRunIntoTheNextBoundaryIsSkipped() throws {
        let form = try MultipartForm.parse(body("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--B--"), boundary: "B")
        #expect(form.fields["a"] == nil)
        #expect(form.file == nil)
    }

    @Test func thousandsOfTinyPartsAreRefusedAtOnce() {
        let crafted = body(String(repeating: "--BXXXX", count: 200_000) + "\r\n\r\n")
        #expect(throws: Problem.self) { try MultipartForm.parse(crafted, boundary: "B") }
        #expect(throws: Problem.self) { try MultipartForm.parse(body("no boundary here"), boundary: "B") }
    }
}
