import Logging
import OCOPDomain
import OCOPMarketplaces
import OCOPStorage
import ServiceLifecycle

/// Runs the marketplace sync in the background: one lane per marketplace (a platform that hangs
/// only stalls its own lane, never the others or the API) and a slower loop for the eligibility
/// sweep and the page view; a third loop queues the order pulls that are due.
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
                    let pulls = MarketplaceOrderPulls(database: engine.database)
                    let marketplaces = MarketplaceOrderImport.marketplaces.map(\.rawValue)
                    while !Task.isCancelled {
                        do {
                            try await pulls.enqueueDue(marketplaces: marketplaces, at: engine.clock.now())
                        } catch {
                            engine.logger.warning("could not queue order pulls", metadata: ["error": "\(error)"])
                        }
                        do { try await Task.sleep(for: settings.sweepInterval) } catch { return }
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
