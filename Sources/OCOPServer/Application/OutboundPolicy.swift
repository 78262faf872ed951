import CurlHTTP
import Foundation
import OCOPMarketplaces

/// Where the server may send requests that a client chose the address of: marketplace accounts only
/// to their platform's official hosts, webhooks never to loopback, private, link-local or metadata
/// addresses (refused by name here, and on the address actually connected to by the transport).
/// `extraHosts` is the office's explicit exception for sandboxes and local fakes in tests
/// (`ocop serve --allow-outbound-host`).
public struct OutboundPolicy: Sendable {
    public var extraHosts: Set<String>

    public init(extraHosts: Set<String> = []) {
        self.extraHosts = Set(extraHosts.map { $0.lowercased() })
    }

    /// Each platform's API hosts as MARKETPLACES.md lists them (production, then sandbox).
    static let officialHosts: [Marketplace: Set<String>] = [
        .shopee: [
            "partner.shopeemobile.com", "openplatform.shopee.cn", "openplatform.shopee.com.br",
            "partner.test-stable.shopeemobile.com", "openplatform.sandbox.test-stable.shopee.sg",
            "openplatform.sandbox.test-stable.shopee.cn",
        ],
        .lazada: [
            "api.lazada.vn", "api.lazada.sg", "api.lazada.co.th", "api.lazada.com.my", "api.lazada.com.ph",
            "api.lazada.co.id", "auth.lazada.com",
        ],
        .tiktokShop: [
            "open-api.tiktokglobalshop.com", "auth.tiktok-shops.com", "open-api-sandbox.tiktokglobalshop.com",
            "auth-sandbox.tiktok-shops.com",
        ],
        .tiki: ["api.tiki.vn"],
        .facebook: ["graph.facebook.com"],
    ]

    /// The base URL a seller in Vietnam starts from, offered in the console's connect form.
    static func defaultBaseURL(_ marketplace: Marketplace) -> String {
        switch marketplace {
        case .shopee: "https://partner.shopeemobile.com"
        case .lazada: "https://api.lazada.vn/rest"
        case .tiktokShop: "https://open-api.tiktokglobalshop.com"
        case .tiki: "https://api.tiki.vn"
        case .facebook: "https://graph.facebook.com"
        }
    }

    /// Why a marketplace account may not use `baseURL`, or nil when it may.
    func marketplaceBaseURLProblem(_ marketplace: Marketplace, _ baseURL: String) -> String? {
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
            url.user == nil, url.password == nil, url.query == nil, url.fragment == nil, !baseURL.contains(" ")
        else { return "an http(s) URL of the platform's host, without credentials or query" }
        if extraHosts.contains(host) { return nil }
        let official = Self.officialHosts[marketplace] ?? []
        guard scheme == "https", official.contains(host) else {
            return "https on one of \(marketplace.rawValue)'s hosts: \(official.sorted().joined(separator: ", "))"
        }
        return nil
    }

    /// Why a webhook may not be delivered to `text`, or nil when it may.
    func webhookURLProblem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host?.lowercased(), !host.isEmpty, url.user == nil, url.password == nil, !text.contains(" ")
        else { return "an http(s) URL without credentials" }
        if extraHosts.contains(host) { return nil }
        if Self.namesInternalHost(host) { return "must not be a loopback, private, link-local or metadata address" }
        return nil
    }

    /// Whether requests to `url` must be refused when its name resolves to an internal address.
    func requiresPublicAddress(_ url: String) -> Bool {
        guard let host = URL(string: url)?.host?.lowercased() else { return true }
        return !extraHosts.contains(host)
    }

    /// Names and literal addresses that are internal whatever DNS says; the transport checks the rest.
    static func namesInternalHost(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if bare == "localhost" || bare.hasSuffix(".localhost") || bare.hasSuffix(".internal")
            || bare == "metadata.google.internal"
        {
            return true
        }
        if let isPublic = InternetAddress.isPublicLiteral(bare) { return !isPublic }
        // Forms inet_pton refuses but resolvers accept ("2130706433", "0x7f.1", "127.1") are numbers, not names.
        return bare.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            label.allSatisfy(\.isNumber) || (label.hasPrefix("0x") && label.dropFirst(2).allSatisfy(\.isHexDigit))
        }
    }
}
