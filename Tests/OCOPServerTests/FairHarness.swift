import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OCOPDomain
import OCOPServer
import OCOPStorage
import Testing
import TestSupport

/// A goods week in Tuyên Quang, 2026-11-25 to 2026-11-27 (the fixture's today is 2026-11-22),
/// with its manager, two producers' accounts and the stock scene's points and staff.
struct FairScene {
    let stock: StockScene
    var client: any TestClientProtocol { stock.client }
    var harness: ServerHarness { stock.harness }
    var admin: String { stock.admin }

    static let slug = "tuan-hang-ocop-tuyen-quang"
    static let opensOn = "2026-11-25"
    static let closesOn = "2026-11-27"

    static func make(_ harness: ServerHarness, _ client: any TestClientProtocol) async throws -> FairScene {
        let scene = FairScene(stock: try await StockScene.make(harness, client))
        let created = try await scene.createFair(slug, opensOn: opensOn, closesOn: closesOn)
        #expect(created.status == .created, "\(String(buffer: created.body))")
        return scene
    }

    func createFair(_ slug: String, opensOn: String, closesOn: String, province: String = "08") async throws -> TestResponse {
        try await client.send(
            .post, "/v1/fairs", token: admin,
            json: """
                {"slug":"\(slug)","kind":"goods_week","name":"Tuần hàng OCOP \(slug)","venue":"Quảng trường Nguyễn Tất Thành",
                 "province":"\(province)","opens_on":"\(opensOn)","closes_on":"\(closesOn)","daily_hours":"08:00–22:00",
                 "organiser":"Sở Công Thương (minh hoạ)"}
                """)
    }

    /// Tokens are issued at the clock's now and last 12 hours, so tests ask again after moving it.
    func manager(_ fair: String = FairScene.slug) async throws -> String {
        try await harness.staffToken(username: "manager-\(fair)", role: .fairManager, scopes: [fair])
    }

    func producer(_ slug: String) async throws -> String {
        try await harness.staffToken(username: "producer-\(slug)", role: .producer, scopes: [slug])
    }

    func addStalls(from: String, to: String, fair: String = FairScene.slug) async throws {
        let response = try await client.send(
            .post, "/v1/fairs/\(fair)/stalls", token: try await manager(fair),
            json: #"{"from":"\#(from)","to":"\#(to)","zone":"Tuyên Quang","size":"standard","fee_vnd":2000000}"#)
        #expect(response.status == .created, "\(String(buffer: response.body))")
    }

    /// The producer applies for itself; answers the application id.
    func apply(_ producer: String, _ products: [String], fair: String = FairScene.slug) async throws -> Int {
        let list = products.map { "\"\($0)\"" }.joined(separator: ",")
        let response = try await client.send(
            .post, "/v1/fairs/\(fair)/applications", token: try await self.producer(producer),
            json: #"{"products":[\#(list)]}"#)
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return response.json["id"] as? Int ?? 0
    }

    func allocate(_ code: String, to application: Int, fair: String = FairScene.slug, token: String? = nil) async throws
        -> TestResponse
    {
        var bearer = token
        if bearer == nil { bearer = try await manager(fair) }
        return try await client.send(
            .put, "/v1/fairs/\(fair)/stalls/\(code)/allocation", token: bearer,
            json: #"{"application_id":\#(application)}"#)
    }

    func stallPoint(_ code: String, fair: String = FairScene.slug) -> String {
        StallCode.pointSlug(fair: fair, code: code)
    }

    /// Sets the clock to a time of day in Vietnam.
    func setClock(_ day: String, _ hour: Int, _ minute: Int = 0) {
        harness.stack.clock.set(
            Moment(
                unixMilliseconds: CalendarDate(iso: day)!.startInVietnam.unixMilliseconds
                    + Int64(hour * 3600 + minute * 60) * 1000))
    }

    func sell(_ code: String, _ sku: String, _ quantity: Int, token: String) async throws -> TestResponse {
        try await client.send(
            .post, "/v1/fairs/\(FairScene.slug)/stalls/\(code)/sales", token: token,
            json: #"{"payment_method":"cash","lines":[{"sku":"\#(sku)","quantity":\#(quantity)}]}"#)
    }
}
