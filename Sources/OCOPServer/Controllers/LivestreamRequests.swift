import OCOPDomain
import OCOPStorage

/// The body of `POST /v1/livestreams`.
struct LivestreamRequest: Decodable {
    struct Product: Decodable {
        var code: String
        var sku: String
        var livePrice: Int
        var quota: Int?
    }

    var slug: String
    var title: String
    var platform: String
    var pageUrl: String
    var host: String
    var point: String
    var producers: [String]?
    var startsAt: String
    var endsAt: String
    var holdMinutes: Int?
    var products: [Product]

    func validated() throws(DomainError) -> NewLivestream {
        var checks = FieldChecks()
        checks.require(VietnameseText.isSlug(slug), "slug", "lowercase a–z, 0–9 and single hyphens")
        checks.require((1...200).contains(title.count), "title", "1–200 characters")
        checks.require((1...120).contains(host.count), "host", "1–120 characters")
        let platform = LivestreamPlatform(rawValue: platform)
        checks.require(
            platform != nil, "platform", "one of \(LivestreamPlatform.allCases.map(\.rawValue).joined(separator: ", "))")
        checks.require(
            (pageUrl.hasPrefix("https://") || pageUrl.hasPrefix("http://")) && pageUrl.count <= 500 && !pageUrl.contains(" "),
            "page_url", "an http(s) address of the live page")
        let starts = ISOTimestamp.moment(startsAt)
        let ends = ISOTimestamp.moment(endsAt)
        checks.require(starts != nil, "starts_at", "an ISO 8601 time with its zone, e.g. 2026-11-25T19:30:00+07:00")
        checks.require(ends != nil, "ends_at", "an ISO 8601 time with its zone, e.g. 2026-11-25T21:00:00+07:00")
        if let starts, let ends {
            checks.require(starts < ends, "ends_at", "after starts_at")
            checks.require(ends.unixMilliseconds - starts.unixMilliseconds <= 24 * 3_600_000, "ends_at", "within 24 hours of starts_at")
        }
        let hold = holdMinutes ?? LiveCodeRules.defaultHoldMinutes
        checks.require(
            (1...LiveCodeRules.maxHoldMinutes).contains(hold), "hold_minutes", "1 to \(LiveCodeRules.maxHoldMinutes)")
        checks.require((1...100).contains(products.count), "products", "1 to 100 products")
        var codes: Set<String> = []
        var skus: Set<String> = []
        for (index, product) in products.enumerated() {
            let field = "products[\(index)]"
            checks.require(LiveCodeRules.isValid(product.code), "\(field).code", "1–6 letters then 1–4 digits, e.g. CS01")
            checks.require(codes.insert(product.code.uppercased()).inserted, "\(field).code", "given twice")
            checks.require(skus.insert(product.sku).inserted, "\(field).sku", "given twice")
            checks.require((1...1_000_000_000).contains(product.livePrice), "\(field).live_price", "whole VND above 0")
            if let quota = product.quota {
                checks.require((1...StockRules.maxLineQuantity).contains(quota), "\(field).quota", "1 to \(StockRules.maxLineQuantity)")
            }
        }
        for (index, producer) in (producers ?? []).enumerated() {
            checks.require(VietnameseText.isSlug(producer), "producers[\(index)]", "a producer slug")
        }
        try checks.throwIfAny()
        return NewLivestream(
            slug: slug, title: title, platform: platform!, pageUrl: pageUrl, host: host, point: point,
            producers: producers ?? [], startsAt: starts!, endsAt: ends!, holdMinutes: hold,
            products: products.map {
                LiveProduct(code: $0.code.uppercased(), sku: $0.sku, livePrice: $0.livePrice, quota: $0.quota)
            })
    }
}

/// The body of `PATCH /v1/livestreams/{slug}`.
struct LivestreamStatusRequest: Decodable {
    var status: String

    func validated() throws(DomainError) -> LivestreamStatus {
        guard let status = LivestreamStatus(rawValue: status) else {
            throw DomainError.invalid(
                field: "status", "one of \(LivestreamStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return status
    }
}

/// The body of `POST /v1/livestreams/{slug}/comments`: raw comments as a platform delivers them.
struct CommentBatchRequest: Decodable {
    struct Comment: Decodable {
        var viewerId: String
        var name: String?
        var text: String
        var time: String
    }

    var comments: [Comment]

    static let maxComments = 2_000

    func validated() throws(DomainError) -> [LiveComment] {
        var checks = FieldChecks()
        checks.require((1...Self.maxComments).contains(comments.count), "comments", "1 to \(Self.maxComments) comments")
        var result: [LiveComment] = []
        for (index, comment) in comments.enumerated() {
            let field = "comments[\(index)]"
            checks.require((1...200).contains(comment.viewerId.count), "\(field).viewer_id", "1–200 characters")
            checks.require(comment.text.count <= 2_000, "\(field).text", "at most 2,000 characters")
            let time = ISOTimestamp.moment(comment.time)
            checks.require(time != nil, "\(field).time", "an ISO 8601 time with its zone")
            if let time {
                result.append(
                    LiveComment(
                        viewerID: comment.viewerId, viewerName: String((comment.name ?? "").prefix(200)),
                        text: comment.text, postedAt: time))
            }
        }
        try checks.throwIfAny()
        return result
    }
}

/// The body of `POST /v1/livestreams/{slug}/orders`: an order staff take by phone or message.
struct LiveOrderRequest: Decodable {
    struct Line: Decodable {
        var code: String
        var quantity: Int
    }

    var buyerName: String
    var phone: String
    var address: String?
    var lines: [Line]

    func validated() throws(DomainError) -> (VietnameseMobileNumber, [LiveOrderRequestLine]) {
        var checks = FieldChecks()
        checks.require((1...200).contains(buyerName.count), "buyer_name", "1–200 characters")
        let phone = VietnameseMobileNumber(phone)
        checks.require(phone != nil, "phone", "a Vietnamese mobile number: 10 digits from 03/05/07/08/09, or +84…")
        if let address { checks.require((1...500).contains(address.count), "address", "1–500 characters") }
        checks.lines(lines.count)
        for (index, line) in lines.enumerated() { checks.quantity(line.quantity, "lines[\(index)].quantity") }
        try checks.throwIfAny()
        return (
            phone!,
            lines.enumerated().map {
                LiveOrderRequestLine(code: $0.element.code.uppercased(), quantity: $0.element.quantity, field: "lines[\($0.offset)].quantity")
            }
        )
    }
}

/// The body of `POST …/orders/{id}/confirm`: delivery details and how the buyer pays.
struct LiveOrderConfirmRequest: Decodable {
    var buyerName: String?
    var address: String?
    var paymentMethod: String?

    func validated() throws(DomainError) -> PaymentMethod {
        var checks = FieldChecks()
        if let buyerName { checks.require((1...200).contains(buyerName.count), "buyer_name", "1–200 characters") }
        if let address { checks.require((1...500).contains(address.count), "address", "1–500 characters") }
        let payment = PaymentMethod.recorded(paymentMethod ?? PaymentMethod.cashOnDelivery.rawValue)
        checks.require(
            payment != nil, "payment_method", "one of \(PaymentMethod.recordable.map(\.rawValue).joined(separator: ", "))")
        try checks.throwIfAny()
        return payment!
    }
}
