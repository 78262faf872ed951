import OCOPDomain
import OCOPStorage

/// A validated `GET /v1/fairs` query: upcoming and open fairs, by first day then slug.
struct FairQuery {
    var provinceCode: String?
    /// Only fairs running on this day.
    var date: CalendarDate?
    var paging: PageRequest

    init(parameters values: [String: String], localities: Localities) throws(Problem) {
        let parameters = try QueryParameters(values, known: ["province", "date", "limit", "cursor", "lang"])
        if let province = parameters["province"] {
            guard let found = localities.province(codeOrName: province) else {
                throw .badParameter("province", "unknown province '\(province)'")
            }
            provinceCode = found.code
        }
        if let text = parameters["date"] {
            guard let date = CalendarDate(iso: text) else { throw .badParameter("date", "a date YYYY-MM-DD") }
            self.date = date
        }
        paging = try PageRequest(parameters)
    }

    struct Page {
        var items: [FairListing]
        var nextCursor: String?
        var total: Int
    }

    /// Closed fairs are left out; the cursor is the last item's (first day, slug).
    func page(of listings: [FairListing], today: CalendarDate) -> Page {
        var matches: [(listing: FairListing, key: SortKey)] = []
        for listing in listings {
            let fair = listing.fair
            if fair.status(on: today) == .closed { continue }
            if let provinceCode, fair.provinceCode != provinceCode { continue }
            if let date, !(fair.opensOn <= date && date <= fair.closesOn) { continue }
            matches.append((listing, SortKey(primary: Int64(fair.opensOn.daysSince1970), name: "", slug: fair.slug)))
        }
        matches.sort { $0.key < $1.key }
        let start = paging.after.map { key in matches.firstIndex { $0.key > key } ?? matches.count } ?? 0
        let end = min(start + paging.limit, matches.count)
        let slice = matches[start..<end]
        let next = end < matches.count ? slice.last.map { PageRequest.cursor(after: $0.key) } : nil
        return Page(items: slice.map(\.listing), nextCursor: next, total: matches.count)
    }
}
