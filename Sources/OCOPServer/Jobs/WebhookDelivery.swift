import Crypto
import CurlHTTP
import Foundation
import OCOPDomain
import OCOPStorage

/// Delivers one webhook job: POSTs the event, signed with the subscription's secret
/// (`X-OCOP-Signature: sha256=<hex HMAC of the body>`), with `Idempotency-Key: job-<id>` so that a
/// receiver can drop the rare repeat after a node died between sending and recording.
struct WebhookDelivery: Sendable {
    let store: WebhookStore
    let transport: any HTTPTransport
    let outbound: OutboundPolicy

    private struct Payload: Decodable {
        let subscription: Int
        let event: String
    }

    func deliver(_ job: Job) async -> JobOutcome {
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8)) else {
            return .failed("unreadable payload", retryAfter: nil, permanent: true)
        }
        let target: (url: String, secret: String)?
        do {
            target = try await store.target(id: payload.subscription)
        } catch {
            return .failed("\(error)", retryAfter: nil, permanent: false)
        }
        guard let target else { return .done }  // unsubscribed since: nothing to deliver
        let body = Array(job.payload.utf8)
        let signature = HexDigits.string(
            HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(target.secret.utf8))))
        var request = OutboundRequest(
            method: "POST", url: target.url,
            headers: [
                ("Content-Type", "application/json"), ("Idempotency-Key", "job-\(job.id)"),
                ("X-OCOP-Event", payload.event), ("X-OCOP-Signature", "sha256=" + signature),
            ],
            body: body, timeout: .seconds(10))
        // Checked again here, not only when subscribing: DNS may since lead the name elsewhere.
        if let problem = outbound.webhookURLProblem(target.url) {
            return .failed("not delivered: the URL \(problem)", retryAfter: nil, permanent: true)
        }
        request.publicAddressesOnly = outbound.requiresPublicAddress(target.url)
        do {
            let response = try await transport.send(request)
            switch response.status {
            case 200..<300:
                return .done
            case 429, 503:
                let wait = response.retryAfterSeconds.map { Duration.seconds($0) }
                return .failed("throttled (\(response.status))", retryAfter: wait, permanent: false)
            case 400..<500 where response.status != 408:
                return .failed("refused with \(response.status)", retryAfter: nil, permanent: true)
            default:
                return .failed("answered \(response.status)", retryAfter: nil, permanent: false)
            }
        } catch let error as TransportError {
            return .failed(error.message, retryAfter: nil, permanent: !error.isTransient)
        } catch {
            return .failed("\(error)", retryAfter: nil, permanent: false)
        }
    }
}
