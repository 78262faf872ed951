import Hummingbird
import OCOPDomain
import OCOPStorage

/// Who may sell a point's stock on a channel of their own (a marketplace account, a livestream):
/// the office anywhere, a point's staff at their point, a producer at a point that lets it sell there
/// (`PUT /v1/points/{slug}/sellers/{producer}`) or at the stall it was allocated.
struct SellerScope: Sendable {
    let database: Database

    /// Throws 403 unless `identity` may sell from `point`, acting for one of `producers` when a producer.
    func require(_ identity: StaffIdentity, sellFrom point: String, for producers: Set<String>) async throws {
        if identity.canManagePoint(point) { return }
        if identity.role == .producer {
            let own = producers.intersection(identity.scopes)
            if try await PointSellerStore(database: database).maySell(own, from: point) { return }
        }
        throw Problem(
            .forbidden, "\(identity.username) may not sell from point '\(point)'",
            errors: [.init(field: "point", reason: "not a point this account may sell from")])
    }
}
