import Foundation
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces

// One marketplace fake as a process, for the browser tests (Python drives it over its pipes):
//   ocop-fake-marketplace tiki
// prints one JSON line, {"base_url": …, "credentials": {…}}, then reads commands from stdin, one per
// line, answering each with one JSON line:
//   throttle N SECONDS   the next N requests are throttled with Retry-After: SECONDS
//   listings             what the platform now shows: [{"id", "sku", "price", "stock", "on_sale"}]
//   listing ID           one of them by the id the seller was given (Tiki's track id leads to its product)
//   orders N PREFIX ITEM LINES QUANTITY PRICE STATUS
//                        Shopee only: buyers place N orders PREFIX-0 … of LINES lines each (models
//                        0 … of item ITEM, QUANTITY units at PRICE), in STATUS; for bench/orders.py
//   status SN STATUS     Shopee only: the order moves on (e.g. TO_RETURN)
// It stops at the end of stdin. The fake checks signatures and tokens as in the Swift tests.

func emit(_ object: Any) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

func describe(_ listing: FakeListing) -> [String: Any] {
    ["id": listing.id, "sku": listing.sku, "price": listing.priceVND, "stock": listing.stock, "on_sale": listing.isOnSale]
}

let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first, let marketplace = Marketplace(rawValue: name) else {
    FileHandle.standardError.write(Data("usage: ocop-fake-marketplace shopee|lazada|tiktok_shop|tiki|facebook\n".utf8))
    exit(2)
}
let fake = try await FakeMarketplaces.start(marketplace)
emit(["base_url": fake.baseURL, "credentials": fake.credentials.values])

while let line = readLine() {
    let words = line.split(separator: " ")
    switch words.first {
    case "throttle" where words.count == 3:
        guard let times = Int(words[1]), let seconds = Int(words[2]) else {
            emit(["error": "throttle N SECONDS"])
            continue
        }
        fake.throttle(times: times, retryAfterSeconds: seconds)
        emit(["ok": true])
    case "listings":
        emit(fake.listings.map(describe))
    case "orders" where words.count == 8:
        guard let shopee = fake as? FakeShopee, let count = Int(words[1]), let lines = Int(words[4]),
            let quantity = Int(words[5]), let price = Int(words[6])
        else {
            emit(["error": "orders N PREFIX ITEM LINES QUANTITY PRICE STATUS (shopee)"])
            continue
        }
        for index in 0..<count {
            shopee.placeOrder(
                "\(words[2])-\(index)",
                items: (0..<lines).map {
                    FakeShopeeOrder.Item(itemID: String(words[3]), modelID: String($0), quantity: quantity, price: price)
                }, status: String(words[7]))
        }
        emit(["ok": true, "orders": count])
    case "status" where words.count == 3:
        guard let shopee = fake as? FakeShopee, shopee.setStatus(String(words[1]), String(words[2])) != nil else {
            emit(["error": "status SN STATUS (shopee, a placed order)"])
            continue
        }
        emit(["ok": true])
    case "listing" where words.count == 2:
        emit(fake.listing(id: String(words[1])).map(describe) ?? [:])
    default:
        emit(["error": "unknown command: \(line)"])
    }
}
await fake.stop()
