import Foundation
import OCOPDomain
import OCOPStorage
import Testing
import TestSupport

/// The demo catalog shipped in `Catalog/` is valid and holds what the README promises.
@Suite struct DemoCatalogTests {
    @Test func theDemoCatalogIsValidAndLivesUpToItsPromise() throws {
        let reader = CatalogReader(catalogDirectory: PackagePaths.catalog, mediaDirectory: PackagePaths.media)
        guard case .valid(let contents) = reader.read() else {
            if case .invalid(let issues) = reader.read() { Issue.record("\(issues.map(\.description))") }
            return
        }
        let today = CalendarDate(iso: "2026-11-22")!
        #expect(contents.products.count >= 40)
        #expect(contents.producers.count >= 20)
        #expect(Set(contents.products.map(\.provinceCode)).count >= 6)
        #expect(Set(contents.products.map { ClassificationTree.sectorCode(of: $0.group) }).count == 6)
        #expect(Set(contents.producers.map(\.type)).count == 4)
        let published = contents.products.filter { PublicationRule.isPublishable($0.certificates, on: today) }
        #expect(published.allSatisfy { !$0.media.isEmpty }, "every published product has an image")
        // The real products of the local plans are there, with their real localities.
        let bySlugName = Dictionary(uniqueKeysWithValues: contents.products.map { (VietnameseText.fold($0.name.vi), $0) })
        let cam = bySlugName.first { $0.key.contains("cam sanh ha giang") }?.value
        #expect(cam?.communeCode == "01156")
        #expect(bySlugName.keys.contains { $0.contains("ruou nep men la ky son") })
        // Products that must stay hidden are present: expired, revoked, 2★.
        let hidden = contents.products.filter { !PublicationRule.isPublishable($0.certificates, on: today) }
        #expect(hidden.contains { $0.certificates.contains { $0.revokedOn != nil } })
        #expect(hidden.contains { $0.certificates.contains { $0.stars.value == 2 } })
        #expect(hidden.contains { $0.certificates.contains { $0.status(on: today) == .expired } })
    }
}
