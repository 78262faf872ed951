public import OCOPDomain

/// A local OCOP plan as the office reads it: its targets, each with what the records count.
public struct PlanRecord: Sendable, Encodable {
    public var id: Int
    public var locality: String
    public var localityName: String
    public var year: Int
    public var decisionNumber: String
    public var title: String
    public var targets: [PlanTargetRecord]
}

/// One target and its progress. `done` is computed from the records listed in `counted` (or the
/// entries, for a target counted by hand).
public struct PlanTargetRecord: Sendable, Encodable {
    public var id: Int
    public var kind: PlanTargetKind
    public var label: String
    public var target: Int
    public var done: Int
    /// 0–100, for a bar.
    public var percent: Int
    public var counted: [PlanCountedRecord]
    public var entries: [PlanEntryRecord]
}

/// A record a target counts: a certificate, a point, a fair, a session.
public struct PlanCountedRecord: Sendable, Encodable, Hashable {
    /// The product, point, fair or livestream slug.
    public var ref: String
    public var name: String
    /// The certificate's number, when it is one.
    public var detail: String?
    /// The day it counts on.
    public var on: String
}

/// A dated entry of a target counted by hand.
public struct PlanEntryRecord: Sendable, Encodable {
    public var id: Int
    public var on: CalendarDate
    public var amount: Int
    public var note: String
    public var actor: String
}

/// What a new plan is made of, checked.
public struct NewPlan: Sendable {
    public struct Target: Sendable {
        public var kind: PlanTargetKind
        public var label: String
        public var target: Int
        public init(kind: PlanTargetKind, label: String, target: Int) {
            self.kind = kind
            self.label = label
            self.target = target
        }
    }

    public var locality: PlanLocality
    public var year: Int
    public var decisionNumber: String
    public var title: String
    public var targets: [Target]

    public init(locality: PlanLocality, year: Int, decisionNumber: String, title: String, targets: [Target]) {
        self.locality = locality
        self.year = year
        self.decisionNumber = decisionNumber
        self.title = title
        self.targets = targets
    }
}
