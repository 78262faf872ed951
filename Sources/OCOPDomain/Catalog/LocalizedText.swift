/// Text in Vietnamese (always) and English (optional); a missing translation falls back to Vietnamese.
public struct LocalizedText: Hashable, Sendable, Codable {
    public var vi: String
    public var en: String?

    public init(vi: String, en: String? = nil) {
        self.vi = vi
        self.en = (en?.isEmpty ?? true) ? nil : en
    }

    /// The text in `language`, or Vietnamese when there is none.
    public func text(in language: Language) -> String {
        switch language {
        case .vi: vi
        case .en: en ?? vi
        }
    }
}

/// The languages the catalog speaks.
public enum Language: String, Sendable, CaseIterable, Codable {
    case vi, en
}
