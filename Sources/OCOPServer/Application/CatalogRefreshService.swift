import Logging
import OCOPDomain
import ServiceLifecycle

/// Keeps the snapshot current without a restart: reloads within a second when another process
/// (`ocop import`) commits a catalog change, and rebuilds at each midnight in Vietnam, when
/// certificates start and expire. (Reads also check the day, so nothing stale is ever served.)
struct CatalogRefreshService: Service {
    let readModel: CatalogReadModel
    let clock: any WallClock
    let logger: Logger
    /// How often the one-row revision counter is read.
    var pollInterval: Duration = .seconds(1)

    func run() async throws {
        var midnight = readModel.nextMidnight()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pollInterval) }
            } catch {
                return
            }
            do {
                if try await readModel.reloadIfChanged() {
                    logger.info("catalog reloaded after a change", metadata: ["published": "\(readModel.publishedProductCount)"])
                }
            } catch {
                logger.warning("catalog reload failed; serving the previous snapshot", metadata: ["error": "\(error)"])
            }
            if clock.now() >= midnight {
                midnight = readModel.nextMidnight()
                logger.info("catalog rebuilt for a new day", metadata: ["published": "\(readModel.publishedProductCount)"])
            }
        }
    }
}
