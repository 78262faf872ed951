import OCOPDomain

/// What a partner's webhook receives: the subscription, the event, its data, and when it happened.
/// Encoded as canonical JSON (sorted keys), the bytes the delivery signs.
struct WebhookPayload<Data: Encodable>: Encodable {
    var subscription: Int
    var event: String
    var data: Data
    var at: String

    init(subscription: Int, event: String, data: Data, at now: Moment) {
        self.subscription = subscription
        self.event = event
        self.data = data
        at = ISOTimestamp.string(now)
    }
}

/// `catalog.changed`: the revision every node now reloads, and what changed.
struct CatalogChange: Encodable {
    var revision: Int
    var productsSaved: Int?
    var productsWithdrawn: Int?
    var certificatesOf: String?
}
