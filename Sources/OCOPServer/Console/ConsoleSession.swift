import HTTPTypes
import Crypto
import Foundation
import Hummingbird
import OCOPStorage

/// The console's sign-in: a cookie holding the same session token the API's bearer header holds
/// (same accounts, expiry, logout and lockout), and a CSRF token bound to that session.
enum ConsoleSession {
    static let cookieName = "ocop_console"

    /// The session token in the request's `Cookie` header, if any.
    static func token(in request: Request) -> String? {
        guard let header = request.headers[.cookie] else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == cookieName else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// `Set-Cookie` for a new session: HttpOnly (no script reads it), SameSite=Lax (another site's
    /// form posts arrive without it), Secure when the service is public over https, only under
    /// /console (the API keeps bearer tokens), and gone when the session expires.
    static func setCookie(token: String, maxAgeSeconds: Int64, secure: Bool) -> String {
        "\(cookieName)=\(token); Path=/console; Max-Age=\(max(0, maxAgeSeconds)); HttpOnly; SameSite=Lax"
            + (secure ? "; Secure" : "")
    }

    static func clearCookie(secure: Bool) -> String {
        "\(cookieName)=; Path=/console; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    /// The CSRF token of a session: a digest of its secret token, so a page of another site (which
    /// cannot read the cookie) cannot know it, and a sign-out makes it worthless.
    static func csrfToken(forSession token: String) -> String {
        let digest = SHA256.hash(data: Array("ocop-console-csrf\u{0}\(token)".utf8))
        return digest.prefix(20).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether a form post may act for this session: its `csrf` field is the session's token and,
    /// when the browser says where the form came from, it came from here.
    static func isTrusted(_ form: FormBody, _ request: Request, sessionToken: String) -> Bool {
        guard isSameOrigin(request), let sent = form["csrf"] else { return false }
        let expected = csrfToken(forSession: sessionToken)
        guard sent.utf8.count == expected.utf8.count else { return false }
        // Compared in constant time.
        return zip(sent.utf8, expected.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// `Origin` (sent by browsers with every form post), else `Sec-Fetch-Site`: another site's
    /// page posting here is refused even before its (missing) CSRF token is looked at.
    static func isSameOrigin(_ request: Request) -> Bool {
        if let origin = request.headers[.origin] {
            guard let authority = request.head.authority else { return false }
            return origin == "http://" + authority || origin == "https://" + authority
        }
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!] {
            return site == "same-origin" || site == "none"
        }
        return true
    }
}
