import OCOPDomain
import Testing

@Suite struct ReferenceDataTests {
    @Test func theClassificationHasTwentySixLeavesInSixSectors() {
        let tree = BundledData.classification
        #expect(tree.leaves.count == 26)
        #expect(Set(tree.nodes.map { ClassificationTree.sectorCode(of: $0.code) }) == ["I", "II", "III", "IV", "V", "VI"])
        #expect(tree.node("I.5.a")?.name.vi == "Chè tươi, chế biến")
        #expect(tree.node("I.5")?.isLeaf == false)
        #expect(tree.node("I.6")?.isLeaf == true)
        #expect(tree.legalBasis == "148/QĐ-TTg")
    }

    @Test func codesNestByPrefixNotByText() {
        #expect(ClassificationTree.code("I.5.a", isWithin: "I.5"))
        #expect(ClassificationTree.code("I.5.a", isWithin: "I"))
        #expect(!ClassificationTree.code("II.1.a", isWithin: "I"))
        #expect(ClassificationTree.parentCode(of: "I.5.a") == "I.5")
    }

    @Test func thereAre34ProvincesAnd3321Communes() {
        let localities = BundledData.localities
        #expect(localities.provinces.count == 34)
        #expect(localities.communeCount == 3321)
        #expect(localities.province(code: "79")?.name == "Thành phố Hồ Chí Minh")
        #expect(localities.province(codeOrName: "ha noi")?.code == "01")
        #expect(localities.province(codeOrName: "Tuyên Quang")?.code == "08")
    }

    @Test func aCommuneMustLieInItsProvince() {
        let localities = BundledData.localities
        #expect(localities.validate(provinceCode: "08", communeCode: "01156").isEmpty)
        #expect(localities.validate(provinceCode: "31", communeCode: "01156").map(\.field) == ["commune"])
        #expect(localities.validate(provinceCode: "99", communeCode: nil).map(\.field) == ["province"])
        #expect(localities.validate(provinceCode: "08", communeCode: "99999").map(\.field) == ["commune"])
    }

    @Test func mediaPathsStayInsideTheirFolder() {
        #expect(MediaPath.normalise("products/cam.png") == "products/cam.png")
        for bad in ["../secret", "products/../../etc/passwd", "/etc/passwd", "products//x.png", ".hidden", "a/%2e%2e/b"] {
            #expect(MediaPath.normalise(bad) == nil, "\(bad)")
        }
    }

    @Test func imagesAreRecognisedByTheirBytes() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 3, 32, 0, 0, 2, 88]
        #expect(ImageInfo.sniff(png) == ImageInfo(mediaType: "image/png", width: 800, height: 600))
        #expect(ImageInfo.sniff(Array("<html>".utf8)) == nil)
    }
}
