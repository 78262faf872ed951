import HTTPTypes
import Hummingbird

/// Which requests for a stamp's URL are a person scanning it. A stamp's scans across provinces flag
/// it as possibly copied, so a chat app drawing the link's preview (Facebook, Telegram, WhatsApp…), a
/// search engine's crawler, a browser's prefetch or a HEAD must not count: any of them could turn
/// a genuine stamp "copied" by being shared once. (Zalo is not on the list: its own QR scanner
/// opens the stamp in its in-app browser, whose agent says Zalo, and those are people scanning.)
enum ScanCounting {
    /// Lower-case marks of automated fetchers' `User-Agent`s.
    static let robotMarks = [
        "bot", "crawl", "spider", "slurp", "facebookexternalhit", "facebookcatalog", "preview", "whatsapp",
        "embedly", "vkshare", "skypeuripreview", "headless",
    ]

    static func isPersonScanning(_ request: Request) -> Bool {
        guard request.method == .get else { return false }
        for name in ["Sec-Purpose", "Purpose", "X-Moz"] {
            if let value = request.headers[HTTPField.Name(name)!]?.lowercased(), value.contains("prefetch") || value.contains("prerender") {
                return false
            }
        }
        let agent = request.headers[.userAgent]?.lowercased() ?? ""
        return !robotMarks.contains { agent.contains($0) }
    }
}
