import Foundation
import OCOPMarketplaces
import Synchronization

/// Tiki's event queue (MARKETPLACE-ORDERS.md §4.3): every change to an order adds an event; a pull
/// answers the oldest events not yet acknowledged, at most `batchSize`, with an `ack_id`; sending
/// that `ack_id` with the next pull acknowledges them. A batch not acknowledged is answered again
/// (at-least-once). Only the queue named `FakeTiki.queueCode` exists.
final class FakeTikiQueue: Sendable {
    struct Event: Sendable {
        let id: String
        let type: String
        let orderCode: String
        let status: String
        let createdAt: Int64
    }

    private struct State {
        var events: [Event] = []
        /// Events before this index are acknowledged.
        var acknowledged = 0
        /// The batch last answered and its ack id.
        var delivered: (ack: String, end: Int)?
        var serial = 0
    }

    static let batchSize = 3
    private let state = Mutex(State())

    func add(type: String, orderCode: String, status: String, at milliseconds: Int64) {
        state.withLock { state in
            state.serial += 1
            state.events.append(
                Event(id: "evt-\(state.serial)", type: type, orderCode: orderCode, status: status, createdAt: milliseconds))
        }
    }

    /// The answer to a pull sent with `ack` (nil on the first pull).
    func pull(ack: String?) -> (events: [Event], ack: String?) {
        state.withLock { state in
            if let ack, let delivered = state.delivered, delivered.ack == ack { state.acknowledged = delivered.end }
            let end = min(state.events.count, state.acknowledged + Self.batchSize)
            guard end > state.acknowledged else {
                state.delivered = nil
                return ([], nil)
            }
            state.serial += 1
            let ack = "ack-\(state.serial)"
            state.delivered = (ack, end)
            return (Array(state.events[state.acknowledged..<end]), ack)
        }
    }

    /// Events not yet acknowledged.
    var pending: Int { state.withLock { $0.events.count - $0.acknowledged } }
}

extension FakeTiki {
    public static let queueCode = "fake-tiki-queue-1"

    /// Events of the queue not acknowledged yet.
    public var queuedEvents: Int { queue.pending }

    /// `POST /integration/v1/queues/{code}/events/pull` `{"ack_id": …}`.
    func queuePull(_ code: String, _ request: FakeRequest) -> FakeReply {
        guard code == Self.queueCode else { return errors(404, "Queue not found") }
        guard let body = request.json, body.object != nil else { return errors(400, "Body must be a JSON object") }
        let ack = body["ack_id"].string
        let (events, next) = queue.pull(ack: ack)
        var answer: [String: Any] = [
            "events": events.map { event -> [String: Any] in
                [
                    "id": event.id, "sid": "FAKE-SELLER", "created_at": event.createdAt, "type": event.type, "version": "v1",
                    "payload": ["order_code": event.orderCode, "orderCode": event.orderCode, "status": event.status],
                ]
            }
        ]
        answer["ack_id"] = next ?? NSNull()
        return .json(200, answer)
    }
}
