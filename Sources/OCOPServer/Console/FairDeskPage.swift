import OCOPDomain
import OCOPStorage

/// The fair desk as a template context: stalls grouped by zone for the grid, and applications in
/// the order they came (the waiting list's order), each open one with the free stalls to pick.
enum FairDeskPage {
    static func context(
        fair: Fair, stalls: [FairStall], applications: [FairApplication], page: ConsolePage,
        producerName: (String) -> String, today: CalendarDate, formKey: String
    ) -> [String: Any] {
        let language = page.language
        var zones: [String: [FairStall]] = [:]
        for stall in stalls { zones[stall.zone, default: []].append(stall) }
        let free = stalls.filter { $0.status == "free" }
        let counts = Dictionary(grouping: stalls, by: \.status).mapValues(\.count)
        let waiting = applications.filter { $0.status == .waiting }
        return [
            "heading": fair.name, "venue": fair.venue,
            "dates": ShowroomFormat.date(fair.opensOn, language) + " – " + ShowroomFormat.date(fair.closesOn, language),
            "status": ConsoleWords.word("fair_" + fair.status(on: today).rawValue, language),
            "free_count": counts["free"] ?? 0, "allocated_count": counts["allocated"] ?? 0,
            "closed_count": counts["closed"] ?? 0,
            "zones": zones.keys.sorted().map { zone -> [String: Any] in
                [
                    "zone": zone,
                    "stalls": zones[zone]!.map { stall -> [String: Any] in
                        var values: [String: Any] = [
                            "code": stall.code, "state": stall.status,
                            "href": page.link("/console/fairs/\(fair.slug)/stalls/\(stall.code)"),
                            "state_label": ConsoleWords.word("stall_" + stall.status, language),
                            "size": ConsoleWords.word("size_" + stall.size.rawValue, language),
                        ]
                        if let producer = stall.producer { values["producer"] = producerName(producer) }
                        return values
                    },
                ]
            },
            "has_stalls": !stalls.isEmpty,
            "allocate_action": page.link("/console/fairs/\(fair.slug)/allocate"),
            "waitlist_action": page.link("/console/fairs/\(fair.slug)/waitlist"),
            "applications": applications.map { application -> [String: Any] in
                // Mustache shows a section for any value present, "" and 0 included: absent means hidden.
                var values: [String: Any] = [
                    "id": application.id, "producer": producerName(application.producer),
                    "status": application.status.rawValue,
                    "status_label": ConsoleWords.word("application_" + application.status.rawValue, language),
                    "wanted": application.stallsWanted, "products": application.products.count,
                    "open": application.status == .pending || application.status == .waiting,
                    "pending": application.status == .pending,
                    // One key per application's form on this rendering: a resubmitted allocation replays.
                    "idempotency_key": "\(formKey)-\(application.id)",
                    "free_stalls": free.map { ["code": $0.code, "zone": $0.zone] },
                ]
                if !application.stalls.isEmpty { values["stalls"] = application.stalls.joined(separator: ", ") }
                if let note = application.note, !note.isEmpty { values["note"] = note }
                if let place = waiting.firstIndex(where: { $0.id == application.id }) { values["waiting_place"] = place + 1 }
                return values
            },
            "has_applications": !applications.isEmpty, "has_free": !free.isEmpty,
        ]
    }
}
