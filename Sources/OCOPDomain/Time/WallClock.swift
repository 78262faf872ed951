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

    /// The first and last instants the service represents (0001-01-01 and 9999-12-31T23:59:59.999Z):
    /// every date written from a moment has four digits, and no sum of two moments can overflow.
    public static let earliest = Moment(unixMilliseconds: -62_135_596_800_000)
    public static let latest = Moment(unixMilliseconds: 253_402_300_799_999)

    /// Unix seconds from a client or a remote platform; nil outside the years 1–9999, so that the
    /// conversion to milliseconds cannot overflow.
    public init?(unixSeconds: Int64) {
        guard (Self.earliest.unixMilliseconds / 1000...Self.latest.unixMilliseconds / 1000).contains(unixSeconds)
        else { return nil }
        self.init(unixMilliseconds: unixSeconds * 1000)
    }

    /// `seconds` later (or earlier), held within `earliest...latest` however large `seconds` is:
    /// delays come from remote answers (Retry-After, expires_in) and must not trap.
    public func adding(seconds: Int64) -> Moment {
        let bound = Self.latest.unixMilliseconds / 1000 - Self.earliest.unixMilliseconds / 1000
        let milliseconds = max(-bound, min(bound, seconds)) * 1000
        let sum = max(Self.earliest.unixMilliseconds, min(Self.latest.unixMilliseconds, unixMilliseconds))
            + milliseconds
        return Moment(unixMilliseconds: max(Self.earliest.unixMilliseconds, min(Self.latest.unixMilliseconds, sum)))
    }
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
