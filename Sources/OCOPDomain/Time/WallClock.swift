import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An instant as milliseconds since 1970-01-01T00:00:00Z.
public struct Moment: Hashable, Comparable, Sendable {
    public var unixMilliseconds: Int64
    public init(unixMilliseconds: Int64) { self.unixMilliseconds = unixMilliseconds }

    public static func < (lhs: Moment, rhs: Moment) -> Bool { lhs.unixMilliseconds < rhs.unixMilliseconds }

    public func adding(seconds: Int64) -> Moment { Moment(unixMilliseconds: unixMilliseconds + seconds * 1000) }
}

/// Where "now" comes from; injected everywhere so tests can move time.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Moment
}

extension WallClock {
    /// Today's date in Asia/Ho_Chi_Minh, the day certificate validity is judged on.
    public func todayInVietnam() -> CalendarDate { CalendarDate(inVietnamAt: now()) }
}

/// The machine's clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Moment {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Moment(unixMilliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}

/// A clock that stands still until moved: for tests and for replaying a day.
public final class ManualWallClock: WallClock {
    private let current: Mutex<Moment>
    public init(_ start: Moment) { current = Mutex(start) }
    public func now() -> Moment { current.withLock { $0 } }
    /// Moves the clock to `moment`.
    public func set(_ moment: Moment) { current.withLock { $0 = moment } }
}
