extension Array {
    /// The elements in storage of their own size, for arrays kept for a long time (a snapshot's
    /// documents, cached bodies). `Array(self[...])` is not that: a slice that covers the whole
    /// array shares its buffer, spare capacity and all (measured: a 700-byte document written into
    /// 2,048 reserved bytes kept all 2,048).
    var trimmed: [Element] {
        // Within a cache line of its size is close enough: malloc rounds up anyway.
        guard (capacity - count) * MemoryLayout<Element>.stride > 64 else { return self }
        return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = buffer.initialize(fromContentsOf: self)
        }
    }
}
