public import OCOPDomain

/// A session's orders as store operations (`Database.perform`), for the write routes.
extension LivestreamStore {
    /// Reads a batch of comments into held orders.
    public func commentBatch(
        _ slug: String, comments: [LiveComment], actor: String, at now: Moment
    ) -> StoreOperation<CommentBatchResult> {
        StoreOperation { sql in try await readComments(sql, slug, comments: comments, actor: actor, at: now) }
    }

    /// An order entered by staff, held until confirmed or its hold runs out.
    public func newOrder(
        _ slug: String, buyerName: String, phone: VietnameseMobileNumber, address: String?,
        lines: [LiveOrderRequestLine], actor: String, at now: Moment
    ) -> StoreOperation<LiveOrderRecord> {
        StoreOperation { sql in
            try await createOrder(
                sql, slug, buyerName: buyerName, phone: phone, address: address, lines: lines, actor: actor, at: now)
        }
    }

    /// "Chốt đơn": the held order becomes a sale.
    public func confirmation(
        _ slug: String, order id: Int, buyerName: String?, address: String?, payment: PaymentMethod, actor: String,
        at now: Moment
    ) -> StoreOperation<LiveOrderRecord> {
        StoreOperation { sql in
            try await confirm(
                sql, slug, order: id, buyerName: buyerName, address: address, payment: payment, actor: actor, at: now)
        }
    }

    /// The order is cancelled and its hold released.
    public func cancellation(_ slug: String, order id: Int, actor: String, at now: Moment) -> StoreOperation<LiveOrderRecord> {
        StoreOperation { sql in try await cancel(sql, slug, order: id, actor: actor, at: now) }
    }
}
