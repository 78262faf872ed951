/// How far an account's event queue was read (Tiki): the `ack_id` of the last batch whose orders
/// were applied, sent with the next pull to acknowledge it. Until then the batch comes again.
enum MarketplaceOrderQueueSchema {
    static let migration = Migration(
        id: "0016-marketplace-order-queue",
        statements: ["ALTER TABLE marketplace_order_pulls ADD COLUMN queue_ack TEXT"]
    )
}
