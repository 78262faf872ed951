import Logging
import OCOPDomain
import OCOPStorage
import ServiceLifecycle

/// Keeps this node's read models current without a restart:
/// - PostgreSQL: listens for the notices other nodes (and `ocop import`) send on commit, and
///   reconnects with backoff if the listening connection drops; a slow poll of the catalog
///   revision covers notices lost while reconnecting.
/// - SQLite: polls the one-row catalog revision each second (an `ocop import` beside the server).
/// Either way it rebuilds the snapshot at each midnight in Vietnam, when certificates start and
/// expire. (Reads also check the day, so nothing stale is ever served.)
struct ChangeFeedService: Service {
    let database: Database
    let readModel: CatalogReadModel
    let stockReadModel: StockReadModel
    let clock: any WallClock
    let logger: Logger

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
                    try await database.listenForChanges { notice in await apply(notice) }
                }
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.warning("change feed dropped; reconnecting", metadata: ["error": "\(error)"])
            }
            // Something may have changed while no one listened.
            await apply(.catalog)
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    private func poll(every interval: Duration) async {
        var midnight = readModel.nextMidnight()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            await apply(.catalog)
            if clock.now() >= midnight {
                midnight = readModel.nextMidnight()
                logger.info("catalog rebuilt for a new day", metadata: ["published": "\(readModel.publishedProductCount)"])
            }
        }
    }

    private func apply(_ notice: ChangeNotice) async {
        do {
            switch notice {
            case .catalog:
                if try await readModel.reloadIfChanged() {
                    logger.info("catalog reloaded after a change", metadata: ["published": "\(readModel.publishedProductCount)"])
                }
            case .points:
                try await stockReadModel.refreshPoints()
            case .stock(let point):
                try await stockReadModel.refresh(points: [point])
            }
        } catch {
            logger.warning("refresh failed; serving the previous state", metadata: ["error": "\(error)"])
        }
    }
}
