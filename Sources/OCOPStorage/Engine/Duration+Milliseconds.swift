extension Duration {
    /// Whole milliseconds, for moving a `Moment`.
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
