import Foundation

/// JSON `null` for reply bodies.
enum JSONNull {
    static var value: Any { NSNull() }
}
