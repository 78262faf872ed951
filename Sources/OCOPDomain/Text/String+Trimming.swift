extension String {
    /// The text without leading and trailing whitespace (spaces, tabs, newlines, Unicode spaces),
    /// in pure Swift: Foundation's `trimmingCharacters(in:)` bridges through NSString on Linux.
    public var trimmingWhitespace: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text.count == count ? self : String(text)
    }
}
