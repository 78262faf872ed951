public import OCOPDomain

/// The point's stock movements as store operations (`Database.perform`), for the write routes.
extension StockStore {
    /// A delivery received at the point.
    public func receipt(
        point: String, lines: [ReceiptLine], reference: String, actor: String, at now: Moment
    ) -> StoreOperation<MovementResult> {
        StoreOperation { sql in try await receive(sql, point: point, lines: lines, reference: reference, actor: actor, at: now) }
    }

    /// A sale staff record (at the counter, or taken by message): all lines or none, never below zero.
    public func sale(
        point: String, lines: [SaleLine], payment: PaymentMethod, actor: String, at now: Moment, channel: String = "counter"
    ) -> StoreOperation<SaleRecord> {
        StoreOperation { sql in
            try await sell(sql, point: point, lines: lines, payment: payment, actor: actor, at: now, channel: channel)
        }
    }

    /// A write-off or correction with its reason.
    public func adjustment(
        point: String, reason: AdjustmentReason, note: String?, lines: [BatchLine], actor: String, at now: Moment
    ) -> StoreOperation<MovementResult> {
        StoreOperation { sql in
            try await adjust(sql, point: point, reason: reason, note: note, lines: lines, actor: actor, at: now)
        }
    }

    /// A shelf count: the differences become movements.
    public func stockCount(point: String, lines: [BatchLine], actor: String, at now: Moment) -> StoreOperation<MovementResult> {
        StoreOperation { sql in try await count(sql, point: point, lines: lines, actor: actor, at: now) }
    }

    /// Goods leaving `from` for `to`.
    public func transfer(
        from: String, to: String, lines: [BatchLine], note: String?, actor: String, at now: Moment
    ) -> StoreOperation<TransferRecord> {
        StoreOperation { sql in try await dispatch(sql, from: from, to: to, lines: lines, note: note, actor: actor, at: now) }
    }

    /// A transfer arriving, possibly short; `authorise` sees the receiving point before anything moves.
    public func transferReceipt(
        _ id: Int, received: [BatchLine]?, actor: String, at now: Moment,
        authorise: @escaping @Sendable (String) throws -> Void
    ) -> StoreOperation<TransferRecord> {
        StoreOperation { sql in
            try await receive(sql, transfer: id, received: received, actor: actor, at: now, authorise: authorise)
        }
    }
}

/// A fair stall's stock movements as store operations.
extension FairStallStock {
    public func receipt(
        fair: String, code: String, lines: [ReceiptLine], reference: String?, actor: String, at now: Moment
    ) -> StoreOperation<MovementResult> {
        StoreOperation { sql in
            try await receive(sql, fair: fair, code: code, lines: lines, reference: reference, actor: actor, at: now)
        }
    }

    public func sale(
        fair: String, code: String, lines: [SaleLine], payment: PaymentMethod, actor: String, at now: Moment
    ) -> StoreOperation<SaleRecord> {
        StoreOperation { sql in
            try await sell(sql, fair: fair, code: code, lines: lines, payment: payment, actor: actor, at: now)
        }
    }

    public func transferReceipt(
        fair: String, code: String, transfer id: Int, received: [BatchLine]?, actor: String, at now: Moment
    ) -> StoreOperation<TransferRecord> {
        StoreOperation { sql in
            try await receiveTransfer(
                sql, fair: fair, code: code, transfer: id, received: received, actor: actor, at: now)
        }
    }

    public func closing(
        fair: String, code: String, counted: [BatchLine], actor: String, at now: Moment
    ) -> StoreOperation<StallClosing> {
        StoreOperation { sql in try await close(sql, fair: fair, code: code, counted: counted, actor: actor, at: now) }
    }
}
