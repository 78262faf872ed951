import OCOPDomain
import Synchronization

/// Who holds a bearer token, remembered for at most five seconds (never past the session's expiry),
/// so that a request's login check does not queue for the database: on SQLite that check was one
/// of the three turns at the single writer's lock every counter sale took. Emptied whenever a
/// session ends anywhere (the `.sessions` change notice: logouts, disabled accounts, reset
/// passwords), at commit on this node and on NOTIFY on the others. The five seconds bound what no
/// notice reaches: `ocop user disable` run beside an SQLite server, which has no NOTIFY.
final class SessionCache: Sendable {
    static let lifetime: Int64 = 5
    /// Bounded: when full it is emptied and refills with the tokens in use.
    static let maxEntries = 20_000

    private struct Entry {
        let identity: StaffIdentity
        let validUntil: Moment
    }

    private let entries = Mutex<[String: Entry]>([:])

    init() {}

    func identity(forToken token: String, at now: Moment) -> StaffIdentity? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard now < entry.validUntil else {
                entries[token] = nil
                return nil
            }
            return entry.identity
        }
    }

    func store(_ identity: StaffIdentity, forToken token: String, sessionExpiresAt: Moment, at now: Moment) {
        let validUntil = min(now.adding(seconds: Self.lifetime), sessionExpiresAt)
        entries.withLock { entries in
            if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[token] = Entry(identity: identity, validUntil: validUntil)
        }
    }

    func removeAll() { entries.withLock { $0.removeAll(keepingCapacity: true) } }
}
