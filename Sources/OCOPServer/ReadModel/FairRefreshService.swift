import Logging
import OCOPDomain
import ServiceLifecycle

/// Loads the fair view at start, then polls `fairs_revision` so that writes made on other nodes
/// show here within `interval`. (Writes on this node refresh the view at once.)
struct FairRefreshService: Service {
    let model: FairReadModel
    let logger: Logger
    var interval: Duration = .seconds(2)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if try await model.reloadIfChanged() { logger.debug("fairs reloaded after a change") }
            } catch {
                logger.warning("fair refresh failed; serving the previous state", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
