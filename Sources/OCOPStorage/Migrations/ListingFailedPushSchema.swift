/// Which push of a listing last gave up: the listing stays `failed` until a push of that kind (or a
/// whole publish) succeeds, so a later stock push cannot mark a listing with a stale price in sync.
enum ListingFailedPushSchema {
    static let migration = Migration(
        id: "0013-listing-failed-push",
        statements: ["ALTER TABLE listings ADD COLUMN failed_kind TEXT"]
    )
}
