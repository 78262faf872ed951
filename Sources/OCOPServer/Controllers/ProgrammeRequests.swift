import OCOPDomain
import OCOPStorage

/// The bodies of the programme's routes (plans, dossiers, rounds, inspections), each checked into
/// the store's types with every problem named by its field.
struct PlanRequest: Decodable {
    struct Target: Decodable {
        var kind: String
        var label: String?
        var target: Int
    }

    var locality: String
    var year: Int
    var decisionNumber: String
    var title: String?
    var targets: [Target]

    func validated() throws(DomainError) -> NewPlan {
        var checks = FieldChecks()
        let locality = PlanLocality(code: locality, in: BundledData.localities)
        checks.require(locality != nil, "locality", "a province (2 digits) or commune (5 digits) code of the 2025 list")
        checks.require(PlanRules.years.contains(year), "year", "a year from \(PlanRules.years.lowerBound) to \(PlanRules.years.upperBound)")
        checks.text(decisionNumber, "decision_number", max: 100)
        checks.text(title ?? "", "title", max: PlanRules.maxLabelBytes, allowEmpty: true)
        checks.require((1...PlanRules.maxTargets).contains(targets.count), "targets", "1 to \(PlanRules.maxTargets) targets")
        var parsed: [NewPlan.Target] = []
        for (index, target) in targets.prefix(PlanRules.maxTargets).enumerated() {
            let kind = PlanTargetKind(rawValue: target.kind)
            checks.require(
                kind != nil, "targets[\(index)].kind", PlanTargetKind.allCases.map(\.rawValue).joined(separator: ", "))
            checks.require(
                (1...PlanRules.maxTarget).contains(target.target), "targets[\(index)].target",
                "a whole number from 1 to \(PlanRules.maxTarget)")
            let label = (target.label ?? "").trimmingWhitespace
            checks.text(label, "targets[\(index)].label", max: PlanRules.maxLabelBytes, allowEmpty: kind != .manual)
            if let kind { parsed.append(.init(kind: kind, label: label, target: target.target)) }
        }
        try checks.throwIfAny()
        return NewPlan(
            locality: locality!, year: year, decisionNumber: decisionNumber.trimmingWhitespace,
            title: (title ?? "").trimmingWhitespace, targets: parsed)
    }
}

struct PlanEntryRequest: Decodable {
    var on: String
    var amount: Int
    var note: String?

    func validated() throws(DomainError) -> (CalendarDate, Int, String) {
        var checks = FieldChecks()
        let day = CalendarDate(iso: on)
        checks.require(day != nil, "on", "a date YYYY-MM-DD")
        checks.require((1...PlanRules.maxTarget).contains(amount), "amount", "a whole number from 1 to \(PlanRules.maxTarget)")
        checks.text(note ?? "", "note", max: 500, allowEmpty: true)
        try checks.throwIfAny()
        return (day!, amount, (note ?? "").trimmingWhitespace)
    }
}

struct DossierRequest: Decodable {
    var product: String
    var kind: String?

    func kindValue() throws(DomainError) -> DossierKind {
        guard let kind = DossierKind(rawValue: kind ?? "new") else {
            throw DomainError.invalid(field: "kind", DossierKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return kind
    }
}

struct DossierItemRequest: Decodable {
    var note: String

    func validated() throws(DomainError) -> String {
        var checks = FieldChecks()
        checks.text(note, "note", max: 4000, allowEmpty: true)
        try checks.throwIfAny()
        return note.trimmingWhitespace
    }
}

struct DossierReviewRequest: Decodable {
    var verdict: String
    var note: String?
    var needsWork: [String]?

    func validated() throws(DomainError) -> (pass: Bool, note: String, needsWork: Set<DossierItem>) {
        var checks = FieldChecks()
        checks.require(["pass", "return"].contains(verdict), "verdict", "pass or return")
        checks.text(note ?? "", "note", max: 2000, allowEmpty: true)
        var items: Set<DossierItem> = []
        for (index, name) in (needsWork ?? []).prefix(DossierItem.allCases.count + 1).enumerated() {
            let item = DossierItem(rawValue: name)
            checks.require(item != nil, "needs_work[\(index)]", DossierItem.allCases.map(\.rawValue).joined(separator: ", "))
            if let item { items.insert(item) }
        }
        checks.require(verdict != "pass" || items.isEmpty, "needs_work", "a dossier passed on needs no more work")
        try checks.throwIfAny()
        return (verdict == "pass", (note ?? "").trimmingWhitespace, items)
    }
}

struct RoundRequest: Decodable {
    var name: String
    var province: String
    var authority: String
    var meetsOn: String

    func validated() throws(DomainError) -> (name: String, province: String, authority: String, meetsOn: CalendarDate) {
        var checks = FieldChecks()
        checks.text(name, "name", max: 200)
        checks.require(BundledData.localities.province(code: province) != nil, "province", "a 2-digit province code of the 2025 list")
        checks.text(authority, "authority", max: 200)
        let day = CalendarDate(iso: meetsOn)
        checks.require(day != nil, "meets_on", "a date YYYY-MM-DD")
        try checks.throwIfAny()
        return (name.trimmingWhitespace, province, authority.trimmingWhitespace, day!)
    }
}

struct RoundDossierRequest: Decodable {
    var dossier: Int
}

struct ScoreRequest: Decodable {
    var dossier: Int
    var member: String
    var partA: Double
    var partB: Double
    var partC: Double
}

struct DecisionRequest: Decodable {
    var dossier: Int
    var decisionNumber: String?
    var decidedOn: String?
    var certificateNumber: String?

    func validated() throws(DomainError) -> CouncilDecision {
        var checks = FieldChecks()
        let number = (decisionNumber ?? "").trimmingWhitespace
        checks.text(number, "decision_number", max: 100)
        let day = decidedOn.flatMap(CalendarDate.init(iso:))
        checks.require(day != nil, "decided_on", "the decision's date, YYYY-MM-DD")
        if let day { checks.require(day.adding(months: Certificate.validityMonths) != nil, "decided_on", "a date before 9997") }
        let certificate = certificateNumber?.trimmingWhitespace
        if let certificate { checks.text(certificate, "certificate_number", max: 100) }
        try checks.throwIfAny()
        return CouncilDecision(decisionNumber: number, decidedOn: day!, certificateNumber: certificate)
    }
}

struct InspectionRequest: Decodable {
    struct Finding: Decodable {
        var area: String
        var ok: Bool
        var note: String?
    }

    var product: String
    var inspectedOn: String
    var team: String
    var findings: [Finding]
    var outcome: String
    var actions: String?
    var deadline: String?

    func validated() throws(DomainError) -> NewInspection {
        var checks = FieldChecks()
        let day = CalendarDate(iso: inspectedOn)
        checks.require(day != nil, "inspected_on", "a date YYYY-MM-DD")
        checks.text(team, "team", max: 500)
        checks.require((1...InspectionArea.allCases.count).contains(findings.count), "findings", "one finding per area looked at")
        var parsed: [InspectionFinding] = []
        for (index, finding) in findings.prefix(InspectionArea.allCases.count).enumerated() {
            let area = InspectionArea(rawValue: finding.area)
            checks.require(area != nil, "findings[\(index)].area", InspectionArea.allCases.map(\.rawValue).joined(separator: ", "))
            let note = (finding.note ?? "").trimmingWhitespace
            checks.text(note, "findings[\(index)].note", max: 2000, allowEmpty: finding.ok)
            if let area {
                checks.require(!parsed.contains { $0.area == area }, "findings[\(index)].area", "each area once")
                parsed.append(InspectionFinding(area: area, ok: finding.ok, note: note))
            }
        }
        let outcome = InspectionOutcome(rawValue: outcome)
        checks.require(outcome != nil, "outcome", InspectionOutcome.allCases.map(\.rawValue).joined(separator: ", "))
        let actions = actions?.trimmingWhitespace
        let deadline = deadline.flatMap(CalendarDate.init(iso:))
        checks.require(self.deadline == nil || deadline != nil, "deadline", "a date YYYY-MM-DD")
        if outcome == .corrective {
            checks.text(actions ?? "", "actions", max: 2000)
            checks.require(deadline != nil, "deadline", "corrective actions need a deadline")
            if let deadline, let day { checks.require(deadline > day, "deadline", "after the inspection") }
        }
        try checks.throwIfAny()
        return NewInspection(
            product: product, inspectedOn: day!, team: team.trimmingWhitespace, findings: parsed, outcome: outcome!,
            actions: actions.flatMap { $0.isEmpty ? nil : $0 }, deadline: deadline)
    }
}

struct RevocationDecisionRequest: Decodable {
    var revoke: Bool
    var decisionNumber: String
    var decidedOn: String?
}

extension FieldChecks {
    /// Text of 1…max bytes (0…max with `allowEmpty`), without control characters.
    mutating func text(_ value: String, _ field: String, max: Int, allowEmpty: Bool = false) {
        let trimmed = value.trimmingWhitespace
        let controls = trimmed.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" }
        require(
            (allowEmpty || !trimmed.isEmpty) && trimmed.utf8.count <= max && !controls, field,
            allowEmpty ? "at most \(max) bytes of text" : "1–\(max) bytes of text")
    }
}
