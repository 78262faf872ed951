import CQRencode

/// A QR code (libqrencode, error correction M) as a square of modules, drawn as inline SVG for
/// the printable stamp sheets. A stamp's URL is about 60 bytes: version 4 or so, 33 modules wide.
struct QRCode {
    let width: Int
    /// Row by row, `true` for a dark module.
    let modules: [Bool]

    /// nil when libqrencode cannot encode `text` (longer than a QR code holds, or out of memory).
    init?(_ text: String) {
        guard text.utf8.count <= 2_000,
            let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M)
        else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        // Bit 0 of each byte is the module's colour; the other bits are libqrencode's bookkeeping.
        modules = (0..<width * width).map { code.pointee.data[$0] & 1 == 1 }
        self.width = width
    }

    /// The code with a 4-module quiet zone, one path of unit squares, `size` wide in CSS units.
    func svg(size: String, label: String) -> String {
        let side = width + 8
        var out = HTMLWriter(reservingCapacity: 8_000)
        out.markup("<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
        out.number(side)
        out.markup(" ")
        out.number(side)
        out.markup("\" width=\"")
        out.text(size)
        out.markup("\" height=\"")
        out.text(size)
        out.markup("\" shape-rendering=\"crispEdges\" role=\"img\"><title>")
        out.text(label)
        out.markup("</title><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"")
        for row in 0..<width {
            for column in 0..<width where modules[row * width + column] {
                out.markup("M")
                out.number(column + 4)
                out.markup(" ")
                out.number(row + 4)
                out.markup("h1v1h-1z")
            }
        }
        out.markup("\"/></svg>")
        return out.html
    }
}
