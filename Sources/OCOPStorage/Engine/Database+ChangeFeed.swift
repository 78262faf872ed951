import OCOPDomain
import PostgresNIO
public import SQLKit

extension Database {
    /// Records a change made by the running transaction. After it commits, this node's read models
    /// are told (`changes`) and, on PostgreSQL, every other node (NOTIFY, sent just before COMMIT so
    /// it is delivered with it). A transaction that rolls back tells no one.
    public func announce(_ notice: ChangeNotice, in sql: any SQLDatabase) {
        sql.announce(notice)
    }

    /// Whether other processes can push change notices (PostgreSQL); otherwise callers poll.
    public var hasChangeFeed: Bool { engine == .postgres }

    /// Holds one connection listening for change notices and hands each commit's batch to `handle`, until the
    /// task is cancelled or the connection drops (then it throws, and the caller reconnects).
    public func listenForChanges(_ handle: @Sendable (Set<ChangeNotice>) async -> Void) async throws {
        guard let client = postgresClient else {
            throw DomainError(.invalid, "only PostgreSQL pushes change notices")
        }
        try await client.withConnection { connection in
            try await connection.listen(on: ChangeNotice.channel) { notifications in
                for try await notification in notifications {
                    // This node's own notices were published at commit; apply each change once.
                    guard let envelope = NoticeEnvelope(payload: notification.payload), envelope.node != node else {
                        continue
                    }
                    await handle(Set(envelope.notices))
                }
            }
        }
    }
}

extension SQLDatabase {
    /// `Database.announce` for code that holds only the transaction's connection.
    func announce(_ notice: ChangeNotice) {
        PendingNotices.current?.add(notice)
    }
}
