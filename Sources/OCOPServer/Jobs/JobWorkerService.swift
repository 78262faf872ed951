import CurlHTTP
import Logging
import OCOPDomain
import OCOPStorage
import ServiceLifecycle

/// Claims due jobs from the outbox and runs them, one at a time, on every node; the queue's
/// leases make sure two nodes never run the same job at once.
struct JobWorkerService: Service {
    let queue: JobQueue
    let webhooks: WebhookDelivery
    let marketplaceOrders: MarketplaceOrderImport
    let clock: any WallClock
    let logger: Logger
    /// Names this node in job leases.
    let workerName: String
    var lease: Duration = .seconds(60)
    var idleDelay: Duration = .milliseconds(500)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let job: Job?
            do {
                job = try await queue.claim(worker: workerName, lease: lease, at: clock.now())
            } catch {
                logger.warning("could not claim a job", metadata: ["error": "\(error)"])
                job = nil
            }
            if let job {
                await run(job)
                continue
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: idleDelay) }
            } catch {
                return
            }
        }
    }

    private func run(_ job: Job) async {
        let outcome: JobOutcome
        switch job.kind {
        case WebhookStore.jobKind: outcome = await webhooks.deliver(job)
        case MarketplaceOrderImport.fetchKind, MarketplaceOrderImport.pullKind: outcome = await marketplaceOrders.run(job)
        default: outcome = .failed("no handler for job kind '\(job.kind)'", retryAfter: nil, permanent: true)
        }
        do {
            switch outcome {
            case .done:
                try await queue.complete(job, worker: workerName, at: clock.now())
            case .failed(let reason, let retryAfter, let permanent):
                logger.warning(
                    "job failed", metadata: ["job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempt)", "error": "\(reason)"])
                try await queue.fail(
                    job, worker: workerName, error: reason, retryAfter: retryAfter, permanent: permanent, at: clock.now())
            }
        } catch {
            // The lease runs out and another worker (or this one) takes the job again.
            logger.error("could not record a job's outcome", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
    }
}

/// How a job ended.
enum JobOutcome: Sendable, Equatable {
    case done
    case failed(String, retryAfter: Duration?, permanent: Bool)
}
