import Foundation

/// Reads the next batch of catalog files on its own queue while the importer writes the previous
/// one, so that parsing and writing overlap instead of taking turns (see docs/decisions.md).
///
/// The reading is only touched on `queue`, one batch at a time, in order; `next()` is called by one
/// task at a time.
final class CatalogReadAhead: @unchecked Sendable {
    /// One batch read (nil once every file has been read) and every problem found up to it.
    struct Step: Sendable {
        let batch: CatalogBatch?
        let issues: [CatalogIssue]
        /// Files read up to this batch.
        var filesRead = 0
    }

    private let reading: CatalogReading
    private let queue = DispatchQueue(label: "ocop.catalog-read-ahead")
    private var pending: Task<Step, Never>?

    init(_ reading: CatalogReading) {
        self.reading = reading
        pending = readNext()
    }

    /// The batch read ahead; the one after it starts reading before this returns.
    func next() async -> Step {
        guard let pending else { return Step(batch: nil, issues: await onQueue { $0.issues }) }
        let step = await pending.value
        self.pending = step.batch == nil ? nil : readNext()
        return step
    }

    private func readNext() -> Task<Step, Never> {
        Task {
            await onQueue { reading in
                let batch = reading.nextBatch()
                return Step(batch: batch, issues: reading.issues, filesRead: reading.filesRead)
            }
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (CatalogReading) -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body(self.reading)) }
        }
    }
}
