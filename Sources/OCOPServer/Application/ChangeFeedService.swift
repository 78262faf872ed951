import Logging
import OCOPDomain
import OCOPStorage
import ServiceLifecycle

/// Brings what other processes commit to this node's read models (this node's own commits reach
/// them through the database's change bus at commit):
/// - PostgreSQL: listens for the notices other nodes (and `ocop import`) send on commit, and
///   reconnects with backoff if the listening connection drops; a slow poll of the catalog
///   revision covers notices lost while reconnecting.
/// - SQLite: polls the one-row catalog revision each second (an `ocop import` beside the server).
/// Each poll also catches up a read model whose refresh failed, builds tomorrow's catalog snapshot
/// in the last minutes of the day, and swaps it in at midnight in Vietnam, when certificates start
/// and expire, so no request waits for that rebuild.
struct ChangeFeedService: Service {
    let database: Database
    let follower: ReadModelFollower
    let clock: any WallClock
    let logger: Logger
    /// How long before midnight tomorrow's snapshot is built.
    static let buildAhead: Int64 = 120

    func run() async throws {
        if database.hasChangeFeed {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await listen() }
                group.addTask { await poll(every: .seconds(10)) }
                await group.next()
                group.cancelAll()
            }
        } else {
            await poll(every: .seconds(1))
        }
    }

    private func listen() async {
        var backoff: Duration = .milliseconds(100)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown {
                    try await database.listenForChanges { notices in await follower.apply(notices) }
                }
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.warning("change feed dropped; reconnecting", metadata: ["error": "\(error)"])
            }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            // Something may have changed while no one listened.
            await follower.apply([.catalog, .fairs, .livestreams, .listings])
            do { try await follower.stock.reload() } catch {
                logger.warning("stock reload after reconnecting failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    private func poll(every interval: Duration) async {
        var midnight = follower.catalog.nextMidnight()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            await follower.catchUp()
            await follower.apply([.catalog])
            let now = clock.now()
            if now >= midnight {
                // Swaps in the snapshot built ahead (or builds it, here rather than in a request).
                midnight = follower.catalog.nextMidnight()
                logger.info("catalog rebuilt for a new day", metadata: ["published": "\(follower.catalog.publishedProductCount)"])
            } else if now.adding(seconds: Self.buildAhead) >= midnight {
                do { try await follower.catalog.prepareNextDay() } catch {
                    logger.warning("could not build tomorrow's catalog ahead", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
