/// What a scan of a genuine stamp tells the shopper: whether the product is a valid OCOP product
/// today, which certificate says so, and whether the code looks copied.
public struct StampVerdict: Sendable, Equatable {
    /// The answer in one word, as the API spells it.
    public enum Status: String, Sendable {
        case validOCOP = "valid_ocop"
        /// Scanned more often, or in more provinces, than one item ever is.
        case possiblyCopied = "possibly_copied"
        /// No certificate of 3★ or more was ever issued.
        case notCertified = "not_certified"
        /// The latest certificate is in force, yet the product is not published (withdrawn).
        case valid
        case expired
        case revoked
        case notYetValid = "not_yet_valid"
    }

    /// A single item is rarely scanned more than this; beyond it, or in two provinces, the code is
    /// probably printed on more than one item.
    public static let copiedScanThreshold = 20

    public let status: Status
    /// The certificate that makes the product valid today, if one does.
    public let current: Certificate?
    /// The certificate to show: the current one, else the latest issued.
    public let shown: Certificate?
    public let possiblyCopied: Bool

    public init(certificates: [Certificate], totalScans: Int, provinces: Int, on day: CalendarDate) {
        current = PublicationRule.currentCertificate(among: certificates, on: day)
        shown = current ?? certificates.max { $0.issuedOn < $1.issuedOn }
        possiblyCopied = totalScans > Self.copiedScanThreshold || provinces > 1
        if possiblyCopied {
            status = .possiblyCopied
        } else if current != nil {
            status = .validOCOP
        } else if let shown, shown.stars.value >= 3 {
            status = switch shown.status(on: day) {
            case .valid: .valid
            case .expired: .expired
            case .revoked: .revoked
            case .notYetValid: .notYetValid
            }
        } else {
            status = .notCertified
        }
    }

    public var isValidToday: Bool { current != nil }
}

/// The address a stamp's QR code carries: a GS1 Digital Link when the product has a GTIN (the
/// stamp code is the serial, AI 21, with the batch as AI 10 when known), else the service's short
/// `/v/{code}` form.
public enum StampLink {
    public static func path(code: String, gtin: GTIN?, batch: String?) -> String {
        switch (gtin, batch) {
        case let (gtin?, batch?): "/01/\(gtin.gtin14)/10/\(percentEscaped(batch))/21/\(code)"
        case let (gtin?, nil): "/01/\(gtin.gtin14)/21/\(code)"
        default: "/v/\(code)"
        }
    }

    /// Percent-escapes what may not stand in a path segment (RFC 3986 unreserved stays).
    static func percentEscaped(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let isUnreserved =
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            if isUnreserved {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + HexDigits.string([byte], uppercase: true)
            }
        }
        return result
    }
}
