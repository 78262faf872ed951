public import OCOPDomain
public import OCOPStorage

extension TestCatalogStack {
    /// Creates the points or fairs an account's scopes name, when they are missing: accounts may only
    /// be given scopes that exist. Producers come from the fixture catalog.
    public func ensureScopesExist(_ scopes: [String], role: StaffRole) async throws {
        let now = clock.now()
        switch role {
        case .pointStaff:
            let points = PointStore(database: database)
            let existing = Set(try await points.all().map(\.slug))
            for slug in Set(scopes).subtracting(existing).sorted() {
                try await points.create(
                    SalePoint(
                        slug: slug, name: "Điểm \(slug)", locationType: .commercialCentre, address: "Số 1",
                        provinceCode: "01", communeCode: nil, location: nil, openingHours: "08:00–21:00",
                        phone: nil, email: nil, criteria: []),
                    actor: "test", at: now)
            }
        case .fairManager:
            let fairs = FairStore(database: database)
            let today = CalendarDate(inVietnamAt: now)
            for slug in Set(scopes).sorted() where try await fairs.fair(slug) == nil {
                try await fairs.create(
                    Fair(
                        slug: slug, kind: .fair, name: "Hội chợ \(slug)", venue: "Quảng trường", provinceCode: "01",
                        opensOn: today, closesOn: today.adding(days: 3), dailyHours: "08:00–22:00", organiser: "Sở Công Thương"),
                    actor: "test", at: now)
            }
        case .admin, .producer:
            return
        }
    }
}
