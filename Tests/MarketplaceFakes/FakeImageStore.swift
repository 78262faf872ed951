import Synchronization

/// Images a fake platform received, by the id or URL it handed back.
final class FakeImageStore: Sendable {
    private let stored = Mutex<[String: Int]>([:])

    /// Keeps the image and returns a new id for it.
    func add(_ bytes: [UInt8], prefix: String = "img") -> String {
        stored.withLock { images in
            let id = "\(prefix)-\(images.count + 1)-\(bytes.count)"
            images[id] = bytes.count
            return id
        }
    }

    func contains(_ id: String) -> Bool { stored.withLock { $0[id] != nil } }

    var count: Int { stored.withLock { $0.count } }
}
