import Foundation
import OCOPDomain
import OCOPStorage
import Testing
import TestSupport

/// What the stores promise, run on both engines without HTTP in between: every movement is a ledger
/// row, a refused one moves nothing, holds come out of what is free, and every change is announced.
@Suite struct StoreContractTests {
    static let (point, other) = ("diem-hop-dong", "diem-nhan")

    private func today(_ stack: TestCatalogStack, plus days: Int) -> CalendarDate {
        CalendarDate(inVietnamAt: stack.clock.now()).adding(days: days)
    }

    private func units(_ sku: String, at point: String, _ stack: TestCatalogStack) async throws -> [String: Int] {
        var byBatch: [String: Int] = [:]
        for level in try await StockStore().levels(point: point, stack.database) where level.sku == sku {
            byBatch[level.batch] = level.quantity
        }
        return byBatch
    }

    @Test(arguments: TestEngine.all)
    func stockMovesOnlyByWholeLedgeredOperations(engine: TestEngine) async throws {
        try await TestCatalogStack.with(engine) { stack in
            try await stack.ensureScopesExist([Self.point, Self.other], role: .pointStaff)
            let (stock, database, now) = (StockStore(), stack.database, stack.clock.now())
            _ = try await database.perform(
                stock.receipt(
                    point: Self.point,
                    lines: [
                        ReceiptLine(sku: "MAT-ONG", batch: "LATE", bestBefore: today(stack, plus: 90), quantity: 5, unitCost: nil),
                        ReceiptLine(sku: "MAT-ONG", batch: "SOON", bestBefore: today(stack, plus: 10), quantity: 2, unitCost: nil),
                    ],
                    reference: "r-1", actor: "test", at: now))

            // First expiring, first out; the catalog price; the receipt numbered by day.
            let sale = try await database.perform(
                stock.sale(
                    point: Self.point, lines: [SaleLine(sku: "MAT-ONG", quantity: 3, discount: 10_000)], payment: .cash,
                    actor: "test", at: now))
            #expect(sale.lines.first?.batches.map(\.batch) == ["SOON", "LATE"])
            #expect(sale.total == 3 * 450_000 - 10_000)
            #expect(sale.receiptNumber.hasPrefix(today(stack, plus: 0).description.replacing("-", with: "") + "-"))
            #expect(try await units("MAT-ONG", at: Self.point, stack) == ["SOON": 0, "LATE": 4])

            // Asking for more than is there moves nothing at all, not even the first line.
            let refused = stock.sale(
                point: Self.point,
                lines: [SaleLine(sku: "MAT-ONG", quantity: 1, discount: 0), SaleLine(sku: "MAT-ONG", quantity: 9, discount: 0)],
                payment: .card, actor: "test", at: now)
            await #expect(throws: DomainError.self) { try await database.perform(refused) }
            #expect(try await units("MAT-ONG", at: Self.point, stack) == ["SOON": 0, "LATE": 4])

            // A count records the difference; a transfer leaves now and arrives short.
            _ = try await database.perform(
                stock.stockCount(
                    point: Self.point, lines: [BatchLine(sku: "MAT-ONG", batch: "LATE", quantity: 3)],
                    actor: "test", at: now))
            let sent = try await database.perform(
                stock.transfer(
                    from: Self.point, to: Self.other,
                    lines: [BatchLine(sku: "MAT-ONG", batch: "LATE", quantity: 3)], note: nil, actor: "test",
                    at: now))
            #expect(try await units("MAT-ONG", at: Self.point, stack) == ["SOON": 0, "LATE": 0])
            let received = try await database.perform(
                stock.transferReceipt(
                    sent.id, received: [BatchLine(sku: "MAT-ONG", batch: "LATE", quantity: 2)],
                    actor: "test", at: now, authorise: { _ in }))
            #expect(received.lines.first?.shortfall == 1)
            #expect(try await units("MAT-ONG", at: Self.other, stack) == ["LATE": 2])
            #expect(try await stock.ledgerMismatches(database).isEmpty)
        }
    }

    @Test(arguments: TestEngine.all)
    func aLivestreamOrderHoldsStockUntilConfirmedOrCancelled(engine: TestEngine) async throws {
        try await TestCatalogStack.with(engine) { stack in
            try await stack.ensureScopesExist([Self.point], role: .pointStaff)
            let (stock, database, now) = (StockStore(), stack.database, stack.clock.now())
            let live = LivestreamStore(database: database)
            _ = try await database.perform(
                stock.receipt(
                    point: Self.point,
                    lines: [ReceiptLine(sku: "CAM-5KG", batch: "L1", bestBefore: nil, quantity: 4, unitCost: nil)],
                    reference: "r-1", actor: "test", at: now))
            _ = try await live.create(
                NewLivestream(
                    slug: "phien-cam", title: "Cam sành", platform: .facebook, pageUrl: "https://www.facebook.com/htx",
                    host: "Chị Lan", point: Self.point, producers: ["htx-dong-xanh"], startsAt: now.adding(seconds: 3600),
                    endsAt: now.adding(seconds: 7200), holdMinutes: 30,
                    products: [LiveProduct(code: "CS01", sku: "CAM-5KG", livePrice: 220_000, quota: nil)]),
                actor: "test", at: now)
            let phone = try #require(VietnameseMobileNumber("0912345678"))
            func order(_ quantity: Int) -> StoreOperation<LiveOrderRecord> {
                live.newOrder(
                    "phien-cam", buyerName: "Bà Hoa", phone: phone, address: nil,
                    lines: [LiveOrderRequestLine(code: "CS01", quantity: quantity, field: "lines[0].quantity")],
                    actor: "test", at: now)
            }
            let first = try await database.perform(order(3))
            #expect(first.status == "held")
            // Only one unit is free while three are held: an order of two is refused.
            await #expect(throws: DomainError.self) { try await database.perform(order(2)) }

            let cancelled = try await database.perform(live.cancellation("phien-cam", order: first.id, actor: "test", at: now))
            #expect(cancelled.status == "cancelled")
            let second = try await database.perform(order(2))
            let confirmed = try await database.perform(
                live.confirmation(
                    "phien-cam", order: second.id, buyerName: nil, address: "Số 5 Hàng Bông", payment: .cashOnDelivery,
                    actor: "test", at: now))
            #expect(confirmed.status == "confirmed")
            #expect(confirmed.total == 2 * 220_000)  // the live price, not the catalog's
            #expect(try await units("CAM-5KG", at: Self.point, stack) == ["L1": 2])
            #expect(try await stock.ledgerMismatches(database).isEmpty)
        }
    }

    @Test(arguments: TestEngine.all)
    func aStallSellsWhatItsProducerBroughtAndItsClosingRecordsTheLoss(engine: TestEngine) async throws {
        try await TestCatalogStack.with(engine) { stack in
            let (database, now) = (stack.database, stack.clock.now())
            let (fairs, stalls) = (FairStore(database: database), FairStallStock())
            let recorder = ChangeBusTests.Recorder()
            database.changes.subscribe { recorder.record($0) }
            let today = CalendarDate(inVietnamAt: now)
            try await fairs.create(
                Fair(
                    slug: "tuan-hang-thu", kind: .goodsWeek, name: "Tuần hàng OCOP", venue: "Quảng trường", provinceCode: "01",
                    opensOn: today, closesOn: today.adding(days: 4), dailyHours: "08:00–22:00", organiser: "Sở Công Thương"),
                actor: "test", at: now)
            let added = try await fairs.addStalls(
                fair: "tuan-hang-thu", [StallSpec(code: "A-01", zone: "A", size: .standard, feeVnd: 0)], actor: "test", at: now)
            #expect(added.map(\.status) == ["free"])
            let application = try await fairs.apply(
                fair: "tuan-hang-thu", producer: "htx-dong-xanh", products: ["cam-sanh-hop-5kg"], stallsWanted: 1, note: nil,
                actor: "test", at: now)
            _ = try await database.perform(
                fairs.allocation(fair: "tuan-hang-thu", stall: "A-01", application: application.id, actor: "test", at: now) { _ in nil })
            #expect(recorder.all.allSatisfy { $0.contains(.fairs) })  // every fair write told the read models

            _ = try await database.perform(
                stalls.receipt(
                    fair: "tuan-hang-thu", code: "A-01",
                    lines: [ReceiptLine(sku: "CAM-5KG", batch: "C1", bestBefore: nil, quantity: 10, unitCost: nil)],
                    reference: nil, actor: "test", at: now))
            // Only the stall's producer's goods: another producer's ceramics are refused.
            await #expect(throws: DomainError.self) {
                try await database.perform(
                    stalls.receipt(
                        fair: "tuan-hang-thu", code: "A-01",
                        lines: [ReceiptLine(sku: "GOM-LAM", batch: "G1", bestBefore: nil, quantity: 1, unitCost: nil)],
                        reference: nil, actor: "test", at: now))
            }
            let sale = try await database.perform(
                stalls.sale(
                    fair: "tuan-hang-thu", code: "A-01", lines: [SaleLine(sku: "CAM-5KG", quantity: 3, discount: 0)],
                    payment: .cash, actor: "test", at: now))
            #expect(sale.total == 3 * 250_000)

            // Six boxes counted at the close, seven in the books: one recorded lost; then no more sales.
            let closing = try await database.perform(
                stalls.closing(
                    fair: "tuan-hang-thu", code: "A-01", counted: [BatchLine(sku: "CAM-5KG", batch: "C1", quantity: 6)],
                    actor: "test", at: now))
            #expect(closing.discrepancies.map(\.delta) == [-1])
            await #expect(throws: DomainError.self) {
                try await database.perform(
                    stalls.sale(
                        fair: "tuan-hang-thu", code: "A-01", lines: [SaleLine(sku: "CAM-5KG", quantity: 1, discount: 0)],
                        payment: .cash, actor: "test", at: now))
            }
            #expect(try await StockStore().ledgerMismatches(database).isEmpty)
        }
    }
}
