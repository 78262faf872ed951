import HTTPTypes
import Hummingbird
import NIOCore
import OCOPDomain

/// What every console page shares: the language, the words, the signed-in user and the CSRF token
/// its forms carry. Console pages are never cached (`no-store`): they show stock as it is.
struct ConsolePage {
    let language: Language
    let identity: StaffIdentity?
    let csrf: String
    let stylesheetPath: String
    /// The console's script: it keeps a counter sale on the tablet when the network drops.
    var scriptPath = ""

    static func language(_ request: Request) -> Language {
        request.uri.queryParameters.get("lang") == "en" ? .en : .vi
    }

    func link(_ path: String) -> String { language == .en ? path + (path.contains("?") ? "&" : "?") + "lang=en" : path }

    func context(title: String, path: String) -> [String: Any] {
        let other: Language = language == .vi ? .en : .vi
        var context: [String: Any] = [
            "lang": language.rawValue, "t": ConsoleWords.all(language), "title": title, "css": stylesheetPath, "script": scriptPath,
            "csrf": csrf, "home_href": link("/console"), "logout_action": link("/console/logout"),
            "other_lang": other.rawValue,
            "other_lang_href": other == .en ? path + (path.contains("?") ? "&" : "?") + "lang=en" : path,
            "is_en": language == .en,
        ]
        if let identity { context["user"] = identity.username }
        return context
    }

    /// The task links of a point's pages, `current` marked.
    func pointNav(_ slug: String, current: String) -> [[String: Any]] {
        let tasks = [
            ("", "point_home"), ("/sale", "new_sale"), ("/receive", "receive"), ("/count", "count"), ("/adjust", "adjust"),
            ("/transfers", "transfers"), ("/ledger", "ledger"), ("/sales", "sales"),
            ("/marketplace-orders", "marketplace_orders"),
        ]
        return tasks.map { suffix, word in
            ["href": link("/console/points/\(slug)" + suffix), "label": ConsoleWords.word(word, language),
             "current": suffix == current]
        }
    }

    /// The task links of a producer's pages, `current` marked.
    func producerNav(_ slug: String, current: String) -> [[String: Any]] {
        let tasks = [
            ("", "producer_home"), ("/marketplaces", "marketplace_accounts"), ("/listings", "listings"),
            ("/livestreams", "livestreams"), ("/dossiers", "dossiers"),
        ]
        return tasks.map { suffix, word in
            ["href": link("/console/producers/\(slug)" + suffix), "label": ConsoleWords.word(word, language),
             "current": suffix == current]
        }
    }

    /// A programme office page's context: its title as heading, and the office's task links.
    func officeContext(title: String, path: String, current: String) -> [String: Any] {
        var values = context(title: title, path: path)
        values["heading"] = title
        values["nav"] = officeNav(current: current)
        values["nav_label"] = ConsoleWords.word("office", language)
        return values
    }

    /// The task links of the programme office's pages, `current` marked.
    func officeNav(current: String) -> [[String: Any]] {
        let tasks = [
            ("", "certificates"), ("/plans", "plans"), ("/dossiers", "dossiers"), ("/inspections", "inspections"),
            ("/report", "monthly_report"), ("/stamps", "stamp_runs"), ("/users", "users"),
            ("/webhooks", "webhooks"), ("/jobs", "job_queue"), ("/audit", "audit_log"),
        ]
        return tasks.map { suffix, word in
            ["href": link("/console/office" + suffix), "label": ConsoleWords.word(word, language), "current": suffix == current]
        }
    }

    static func html(
        _ status: HTTPResponse.Status, _ body: String, headers extra: HTTPFields = [:], gzip: Bool = false
    ) -> Response {
        let plain = ByteBuffer(string: body)
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        var bytes = plain
        // Small pages are not worth a compressor's time; zlib failing sends the plain page.
        if gzip, plain.readableBytes > 1024, let compressed = Gzip.compress(plain, level: 1) {
            bytes = compressed
            headers[.contentEncoding] = "gzip"
        }
        headers[.contentLength] = String(bytes.readableBytes)
        headers[.vary] = "Accept-Encoding"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        for field in extra { headers.append(field) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: bytes))
    }

    static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for field in extra { headers.append(field) }
        return Response(status: .seeOther, headers: headers)
    }
}
