import OCOPDomain

/// A part of the public product page owned by another capability (fairs, livestreams, marketplace
/// listings). Each keeps its own in-memory view, refreshed after its writes, so the page is still
/// answered without touching the database.
protocol ProductPageSection: Sendable {
    /// The key in the product JSON, e.g. "fairs".
    var key: String { get }
    /// Changes whenever any answer of this section may change; part of the page's ETag.
    var version: Int { get }
    /// The section's JSON value (usually an array) for one product, in the asked language.
    func json(forProduct slug: String, language: Language) -> [UInt8]
}
