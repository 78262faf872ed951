public import Logging
import Synchronization

/// Where committed changes are told to this node's read models. `Database.transaction` publishes
/// the notices a transaction announced once it has committed; the change feed publishes those
/// that other nodes sent. Subscribers refresh what they hold; a subscriber that fails is logged
/// and told to catch up later, and never fails the write that already committed.
public final class ChangeBus: Sendable {
    /// Refreshes whatever the notices touch. Errors are the subscriber's to retry; the bus logs them.
    public typealias Subscriber = @Sendable (Set<ChangeNotice>) async throws -> Void

    private let subscribers = Mutex<[Subscriber]>([])
    private let failures = Atomic<Int>(0)
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Adds a subscriber; they are called in the order they subscribed.
    public func subscribe(_ subscriber: @escaping Subscriber) {
        subscribers.withLock { $0.append(subscriber) }
    }

    /// Tells every subscriber, waiting until each is done, so that a write's answer is sent after
    /// the read models show it. Never throws.
    public func publish(_ notices: Set<ChangeNotice>) async {
        guard !notices.isEmpty else { return }
        for subscriber in subscribers.withLock({ $0 }) {
            do {
                try await subscriber(notices)
            } catch {
                failures.add(1, ordering: .relaxed)
                logger.warning(
                    "a read model failed to follow a commit; it catches up on the next poll",
                    metadata: ["error": "\(error)"])
            }
        }
    }

    /// How many subscriber calls failed since start (tests, metrics).
    public var failureCount: Int { failures.load(ordering: .relaxed) }
}

/// The notices announced inside the running transaction, kept until it commits.
final class PendingNotices: Sendable {
    private let notices = Mutex<Set<ChangeNotice>>([])
    private let committing = Atomic<Bool>(false)

    func add(_ notice: ChangeNotice) { _ = notices.withLock { $0.insert(notice) } }

    var all: Set<ChangeNotice> { notices.withLock { $0 } }

    /// Set once COMMIT has been sent: from then on the change may be in the database.
    var commitSent: Bool {
        get { committing.load(ordering: .relaxed) }
        set { committing.store(newValue, ordering: .relaxed) }
    }

    /// The transaction's collector, reached by `announce` through the task rather than through
    /// every store's parameters.
    @TaskLocal static var current: PendingNotices?
}
