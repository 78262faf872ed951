import Logging
import OCOPDomain
import OCOPStorage
import ServiceLifecycle

/// Every few seconds: marks livestream orders whose hold ran out `expired` (readers already ignore
/// them; this is for the reports and the stock views, which follow the commit), and reloads the
/// livestream view, since sessions end as time passes.
struct LivestreamHoldSweeper: Service {
    let store: LivestreamStore
    let livestreams: LivestreamReadModel
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
            _ = try await store.sweepExpired(at: clock.now())
            try await livestreams.reload()
        } catch {
            logger.warning("livestream sweep failed; will retry", metadata: ["error": "\(error)"])
        }
    }
}
