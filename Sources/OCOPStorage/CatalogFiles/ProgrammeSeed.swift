public import Foundation
public import OCOPDomain
import SQLKit
import Yams

/// The demo programme data (`Catalog/programme/plans.yaml`): plans with their targets, evaluation
/// rounds and dossiers at a stage of their way. It is applied once, on a first start, through the
/// stores' own operations, so it obeys every rule the API does (a seed that breaks one fails loudly).
public struct ProgrammeSeed: Sendable {
    struct Document: Decodable {
        var plans: [Plan]
        var rounds: [Round]
        var dossiers: [Dossier]
    }

    struct Plan: Decodable {
        struct Target: Decodable {
            var kind: String
            var label: String
            var target: Int
            var entries: [Entry]?
        }

        struct Entry: Decodable {
            var on: String
            var amount: Int
            var note: String
        }

        var locality: String
        var year: Int
        var decisionNumber: String
        var title: String
        var targets: [Target]

        enum CodingKeys: String, CodingKey {
            case locality, year, title, targets
            case decisionNumber = "decision_number"
        }
    }

    struct Round: Decodable {
        var name: String
        var province: String
        var authority: String
        var meetsOn: String

        enum CodingKeys: String, CodingKey {
            case name, province, authority
            case meetsOn = "meets_on"
        }
    }

    struct Dossier: Decodable {
        struct Score: Decodable {
            var member: String
            var partA: Double
            var partB: Double
            var partC: Double

            enum CodingKeys: String, CodingKey {
                case member
                case partA = "part_a"
                case partB = "part_b"
                case partC = "part_c"
            }
        }

        var product: String
        var kind: String
        /// draft, submitted, reviewed or in_evaluation.
        var stage: String
        var round: String?
        var scores: [Score]?
    }

    private let document: Document

    /// Reads the file; nil when the catalog folder has none.
    public static func load(catalogDirectory: URL) throws -> ProgrammeSeed? {
        let url = catalogDirectory.appendingPathComponent("programme/plans.yaml")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        return ProgrammeSeed(document: try YAMLDecoder().decode(Document.self, from: text))
    }

    /// What was applied.
    public struct Applied: Sendable {
        public var plans = 0
        public var dossiers = 0
    }

    /// Applies the seed, in one transaction, to a database that has no plans, rounds or dossiers
    /// yet; otherwise does nothing. A seed that breaks a rule changes nothing and says which.
    public func apply(to database: Database, actor: String, at now: Moment) async throws -> Applied {
        try await database.transaction { sql in
            let existing = try await sql.raw(
                """
                SELECT (SELECT COUNT(*) FROM plans) + (SELECT COUNT(*) FROM dossiers)
                    + (SELECT COUNT(*) FROM evaluation_rounds) AS n
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
            guard existing == 0 else { return Applied() }
            return try await apply(in: sql, database: database, actor: actor, at: now)
        }
    }

    private func apply(in sql: any SQLDatabase, database: Database, actor: String, at now: Moment) async throws -> Applied {
        var applied = Applied()
        let planStore = PlanStore(database: database), dossierStore = DossierStore(database: database)
        let roundStore = EvaluationRoundStore(database: database)
        // Every step is a store's own operation, run inside this one transaction.
        func run<T: Sendable>(_ operation: StoreOperation<T>) async throws -> T { try await operation.body(sql) }
        for plan in document.plans {
            guard let locality = PlanLocality(code: plan.locality, in: BundledData.localities) else {
                throw DomainError.invalid(field: "locality", "\(plan.locality) is not in the 2025 list")
            }
            let targets = try plan.targets.map { target in
                guard let kind = PlanTargetKind(rawValue: target.kind) else {
                    throw DomainError.invalid(field: "kind", "no target kind '\(target.kind)'")
                }
                return NewPlan.Target(kind: kind, label: target.label, target: target.target)
            }
            let record = try await run(
                planStore.create(
                    NewPlan(locality: locality, year: plan.year, decisionNumber: plan.decisionNumber, title: plan.title, targets: targets),
                    actor: actor, at: now))
            for (target, recorded) in zip(plan.targets, record.targets) {
                for entry in target.entries ?? [] {
                    guard let day = CalendarDate(iso: entry.on) else { throw DomainError.invalid(field: "on", entry.on) }
                    _ = try await run(
                        planStore.addEntry(
                            plan: record.id, target: recorded.id, on: day, amount: entry.amount, note: entry.note, actor: actor,
                            at: now))
                }
            }
            applied.plans += 1
        }
        var rounds: [String: Int] = [:]
        for round in document.rounds {
            guard let day = CalendarDate(iso: round.meetsOn) else { throw DomainError.invalid(field: "meets_on", round.meetsOn) }
            let record = try await run(
                roundStore.create(
                    name: round.name, province: round.province, authority: round.authority, meetsOn: day, actor: actor, at: now))
            rounds[round.name] = record.id
        }
        for dossier in document.dossiers {
            guard let kind = DossierKind(rawValue: dossier.kind) else { throw DomainError.invalid(field: "kind", dossier.kind) }
            let id = try await run(dossierStore.open(product: dossier.product, kind: kind, actor: actor, at: now)).id
            applied.dossiers += 1
            guard dossier.stage != "draft" else { continue }
            for item in DossierItem.allCases {
                _ = try await run(
                    dossierStore.fill(id, item: item, note: Self.demoNote(item), actor: actor, at: now))
            }
            _ = try await run(dossierStore.submit(id, actor: actor, at: now))
            guard dossier.stage != "submitted" else { continue }
            _ = try await run(dossierStore.review(id, pass: true, note: "", needsWork: [], actor: actor, at: now))
            guard dossier.stage != "reviewed" else { continue }
            guard let name = dossier.round, let round = rounds[name] else {
                throw DomainError.invalid(field: "round", "dossier of \(dossier.product) names no round of the file")
            }
            _ = try await run(roundStore.add(dossier: id, to: round, actor: actor, at: now))
            for score in dossier.scores ?? [] {
                let sheet = try MemberScore(member: score.member, partA: score.partA, partB: score.partB, partC: score.partC)
                _ = try await run(roundStore.score(sheet, dossier: id, in: round, actor: actor, at: now))
            }
        }
        return applied
    }

    /// What the demo producer wrote for an item: illustrative, like all the demo data.
    private static func demoNote(_ item: DossierItem) -> String {
        switch item {
        case .legalPapers: "Giấy chứng nhận đăng ký hộ kinh doanh; giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"
        case .productionProcess: "Quy trình sản xuất được mô tả từng công đoạn, có sổ ghi chép"
        case .qualityStandards: "Phiếu kết quả kiểm nghiệm; tiêu chuẩn cơ sở đã công bố"
        case .packagingLabel: "Mẫu bao bì, nhãn theo quy định, tem truy xuất nguồn gốc"
        case .productStory: "Câu chuyện sản phẩm gắn với truyền thống địa phương"
        case .businessPlan: "Phương án sản xuất kinh doanh 3 năm"
        }
    }
}
