import Logging
import OCOPDomain
import OCOPStorage
import ServiceLifecycle

/// Every few seconds: marks livestream orders whose hold ran out `expired` (readers already ignore
/// them; this is for the reports and the stock views), refreshes the stock view of the points whose
/// free stock grew, and reloads the livestream view (which also brings other nodes' writes).
struct LivestreamHoldSweeper: Service {
    let store: LivestreamStore
    let livestreams: LivestreamReadModel
    let stockReadModel: StockReadModel
    let clock: any WallClock
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await sweep()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    func sweep() async {
        do {
            let points = try await store.sweepExpired(at: clock.now())
            if !points.isEmpty { try await stockReadModel.refresh(points: points) }
            try await livestreams.reload()
        } catch {
            logger.warning("livestream sweep failed; will retry", metadata: ["error": "\(error)"])
        }
    }
}
