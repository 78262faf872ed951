extension String {
    /// The text without leading and trailing whitespace (spaces, tabs, newlines, Unicode spaces),
    /// in pure Swift: Foundation's `trimmingCharacters(in:)` bridges through NSString on Linux.
    public var trimmingWhitespace: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        // Compared by index, not by `count`: counting walks every grapheme of a 1,500-character story.
        return text.startIndex == startIndex && text.endIndex == endIndex ? self : String(text)
    }
}
