import Foundation
public import OCOPDomain

/// Tiki's event queue (MARKETPLACE-ORDERS.md §4.3): Tiki pushes nothing, but an account whose
/// credentials name a queue (`queue_code`, created and subscribed to ORDER_CREATED_SUCCESSFULLY and
/// ORDER_STATUS_UPDATED in Tiki's seller tools) can be pulled for the orders that changed. Sending a
/// batch's `ack_id` with the next pull acknowledges it; a batch not acknowledged comes again.
extension TikiAdapter: MarketplaceOrderQueue {
    static let orderEvents: Set<String> = ["ORDER_CREATED_SUCCESSFULLY", "ORDER_STATUS_UPDATED"]

    public func queuedOrders(ack: String?, account: MarketplaceAccountContext) async throws(MarketplaceError)
        -> QueuedOrders?
    {
        guard let code = account.credentials["queue_code"], !code.isEmpty else { return nil }
        guard OrderAnswer.isID(code) else {
            throw MarketplaceError(.badCredentials, code: "queue_code", message: "the queue code is not a Tiki queue code")
        }
        let answer = try await call(
            "POST", "/integration/v1/queues/\(code)/events/pull", ["ack_id": ack.map { $0 as Any } ?? NSNull()],
            account: account)
        let events = answer["events"].array
        guard events.count <= OrderAnswer.maxEventsPerBatch else { throw OrderAnswer.bad("the queue answered \(events.count) events") }
        var ids: [String] = []
        for event in events where Self.orderEvents.contains(event["type"].string ?? "") {
            // The event says only that the order changed: the order is fetched, as for every push.
            // One without a usable order code names nothing to fetch; it must not hold back the
            // batch (which would come again on every pull): the order list still finds the order.
            guard let id = event["payload"]["order_code"].string ?? event["payload"]["orderCode"].string, OrderAnswer.isID(id)
            else { continue }
            if !ids.contains(id) { ids.append(id) }
        }
        let next = answer["ack_id"].string
        guard next.map({ (1...128).contains($0.utf8.count) }) ?? true else { throw OrderAnswer.bad("an ack_id of an odd length") }
        return QueuedOrders(orderIDs: ids, events: events.count, ack: next)
    }
}
