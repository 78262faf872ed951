import Logging
import OCOPMarketplaces
import ServiceLifecycle

/// Runs the marketplace sync in the background: one lane per marketplace (a platform that hangs
/// only stalls its own lane, never the others or the API) and a slower loop for the eligibility
/// sweep and the page view.
struct MarketplaceSyncService: Service {
    let engine: MarketplaceSyncEngine

    func run() async throws {
        let settings = engine.settings
        try await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for marketplace in Marketplace.allCases {
                    group.addTask {
                        while !Task.isCancelled {
                            if await engine.drain(marketplace) < settings.batchLimit {
                                do { try await Task.sleep(for: settings.pollInterval) } catch { return }
                            }
                        }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        await engine.sweep()
                        await engine.refreshView()
                        do { try await Task.sleep(for: settings.sweepInterval) } catch { return }
                    }
                }
            }
        }
    }
}
