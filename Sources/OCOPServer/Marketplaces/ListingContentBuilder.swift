import Foundation
import OCOPDomain
import OCOPMarketplaces
import OCOPStorage

/// Builds what a listing must show from the catalog: title, the story with the OCOP certificate
/// lines, price, weight, images (bytes from the media folder, public URLs), category and
/// attributes from the account's mapping, and the stock the account offers.
struct ListingContentBuilder: Sendable {
    let publicBaseURL: String
    let mediaDirectory: URL

    /// Why content cannot be built; retrying will not help until the catalog changes.
    struct Unbuildable: Error, CustomStringConvertible {
        let description: String
    }

    func content(_ source: ListingSource, today: CalendarDate) throws(Unbuildable) -> ListingContent {
        guard let product = source.product else { throw Unbuildable(description: "the product was withdrawn") }
        guard let variant = product.variants.first(where: { $0.sku == source.listing.sku }) else {
            throw Unbuildable(description: "SKU \(source.listing.sku) is no longer a variant of \(product.slug)")
        }
        guard let certificate = PublicationRule.currentCertificate(among: product.certificates, on: today) else {
            throw Unbuildable(description: "\(product.slug) has no valid certificate of 3★ or more today")
        }
        let title = product.variants.count > 1 ? "\(product.name.vi) – \(variant.label)" : product.name.vi
        var images: [ListingImage] = []
        for media in product.media {
            let file = mediaDirectory.appendingPathComponent(media.path)
            guard let bytes = FileManager.default.contents(atPath: file.path) else {
                throw Unbuildable(description: "image \(media.path) is missing from the media folder")
            }
            images.append(
                ListingImage(url: "\(publicBaseURL)/media/\(media.path)", bytes: Array(bytes), fileName: file.lastPathComponent))
        }
        return ListingContent(
            sku: variant.sku, title: title, description: Self.description(product, certificate), priceVND: variant.price,
            stock: source.account.offeredStock(available: source.available), weightGrams: variant.weightGrams,
            images: images, categoryID: source.listing.categoryID,
            attributes: source.account.attributeDefaults.merging(source.listing.attributes) { $1 },
            productURL: "\(publicBaseURL)/v1/products/\(product.slug)", brand: source.producerName,
            gtin: variant.gtin?.digits)
    }

    /// The story, then the certificate: "Sản phẩm OCOP 4 sao, giấy chứng nhận số …, hiệu lực đến …".
    static func description(_ product: Product, _ certificate: Certificate) -> String {
        // `expiresOn` is the first day the certificate no longer holds; the last valid day is printed.
        let last = certificate.expiresOn.adding(days: -1)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let story = product.story.vi.trimmingCharacters(in: .whitespacesAndNewlines)
        return (story.isEmpty ? "" : story + "\n\n")
            + "Sản phẩm OCOP \(certificate.stars.value) sao, giấy chứng nhận số \(certificate.number), "
            + "hiệu lực đến \(two(last.day))/\(two(last.month))/\(last.year)."
    }
}
