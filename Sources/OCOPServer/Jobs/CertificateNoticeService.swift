import Logging
import OCOPDomain
import OCOPStorage
import ServiceLifecycle

/// Issues the certificate expiry notices that fall due (30 days ahead, on the Vietnam calendar),
/// checked every minute: a cheap indexed query, and the notice table makes repeats harmless.
/// The deliveries go out through the job queue like any webhook.
struct CertificateNoticeService: Service {
    let notices: CertificateNotices
    let clock: any WallClock
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let issued = try await notices.issueDue(on: clock.todayInVietnam(), at: clock.now())
                if !issued.isEmpty { logger.info("certificate expiry notices issued", metadata: ["count": "\(issued.count)"]) }
            } catch {
                logger.warning("could not issue certificate notices; will retry", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
