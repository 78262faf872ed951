import Synchronization

/// A fake platform's orders by id, placed and moved by tests; every change takes an update time
/// past the last one, as the platforms' do.
public final class FakeOrderBook<Order: Sendable>: Sendable {
    private let held = Mutex<[String: Order]>([:])
    private let lastTime = Mutex<Int64>(0)

    public init() {}

    /// The next update time: at least `now`, and after every one given before.
    func next(after now: Int64) -> Int64 {
        lastTime.withLock { last in
            last = max(last + 1, now)
            return last
        }
    }

    public subscript(id: String) -> Order? { held.withLock { $0[id] } }

    var all: [Order] { held.withLock { Array($0.values) } }

    func put(_ order: Order, id: String) { held.withLock { $0[id] = order } }

    func update(_ id: String, _ change: (inout Order) -> Void) -> Order? {
        held.withLock { orders in
            guard var order = orders[id] else { return nil }
            change(&order)
            orders[id] = order
            return order
        }
    }
}
