/// A URL as it may appear in an error, a log line or a stored status: without its query (where
/// Shopee and Lazada put `access_token` and `sign`), fragment or user info.
public enum RedactedURL {
    public static func text(_ url: String) -> String {
        var kept = Substring(url)
        var cutQuery = false
        if let cut = kept.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            kept = kept[..<cut]
            cutQuery = true
        }
        // scheme://user:password@host/… → scheme://host/…
        if let schemeEnd = kept.firstRange(of: "://") {
            let rest = kept[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                kept = kept[..<schemeEnd.upperBound] + rest[rest.index(after: at)...]
            }
        }
        return cutQuery ? kept + "?…" : String(kept)
    }
}
