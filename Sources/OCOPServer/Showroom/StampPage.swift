import Hummingbird
import OCOPStorage
import OCOPDomain

/// The page a shopper's phone opens from a stamp's QR code: in plain words, is the stamp genuine,
/// is the product a valid OCOP product today, and does the code look copied.
extension ShowroomController {
    func stampPage(_ check: StampCheck, _ request: Request) -> Response {
        let language = ShowroomBase.language(request)
        let page = ShowroomPage(
            language: language, path: request.uri.path, query: [],
            base: ShowroomBase.address(publicBaseURL, request), stylesheetPath: templates.stylesheetPath)
        let word = { (key: String) in ShowroomWords.word(key, language) }
        var context = page.context(title: word("stamp_title"), description: word("stamp_title"))
        context["code"] = check.code
        guard let scan = check.scan, let verdict = check.verdict else {
            context["heading"] = word("stamp_unknown")
            context["message"] = word("stamp_unknown_text")
            context["tone"] = "bad"
            return answer(context)
        }
        context["genuine"] = true
        context["heading"] = word("stamp_genuine")
        context["message"] = word("stamp_genuine_text")
        context["tone"] = verdict.possiblyCopied ? "warn" : (verdict.isValidToday ? "good" : "warn")
        context["copied"] = verdict.possiblyCopied
        context["scans"] = scan.totalScans
        if let batch = scan.batch { context["batch"] = batch }
        context["product_name"] = check.product?.name.text(in: language) ?? scan.product
        // The product's page exists only while it is published: link it only then.
        if verdict.isValidToday, sources.catalog.snapshot().product(slug: scan.product) != nil {
            context["product_href"] = page.link("/san-pham/" + scan.product)
        }
        if let current = verdict.current {
            context["stars"] = current.stars.value
            context["stars_text"] = ShowroomFormat.stars(current.stars.value)
        }
        if let producer = check.producer { context["producer"] = producer.name }
        if let shown = verdict.shown {
            context["certificate_number"] = shown.number
            context["expires_on"] = ShowroomFormat.date(shown.expiresOn, language)
        }
        if verdict.isValidToday {
            context["validity"] = word("stamp_valid_today")
            context["validity_tone"] = "good"
        } else {
            // From the certificate itself: a copied code's verdict says "copied", not why.
            let reason: String =
                switch verdict.shown.map({ ($0.stars.value >= 3, $0.status(on: check.day)) }) {
                case (true, .expired)?: "status_expired"
                case (true, .revoked)?: "status_revoked"
                case (true, .notYetValid)?: "status_not_yet_valid"
                case (true, .valid)?: "status_valid"
                default: "status_not_certified"
                }
            context["validity"] = word("stamp_not_valid_today") + ": " + word(reason).lowercasedFirst
            context["validity_tone"] = "bad"
        }
        return answer(context)
    }

    /// Never cached: each scan counts, and the verdict may change with the next one.
    private func answer(_ context: [String: Any]) -> Response {
        let body = Array(templates.render("stamp", context).utf8)
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .contentLength: String(body.count), .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: .init(bytes: body)))
    }
}

extension String {
    fileprivate var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
