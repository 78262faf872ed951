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

/// Two points (Hà Nội and Tuyên Quang) with an admin and one staff account per point.
struct StockScene {
    let harness: ServerHarness
    let client: any TestClientProtocol
    let admin: String
    let hanoiStaff: String
    let tuyenQuangStaff: String

    static let hanoi = "diem-ocop-hoan-kiem"
    static let tuyenQuang = "diem-ocop-vinh-tuy"

    static func make(_ harness: ServerHarness, _ client: any TestClientProtocol) async throws -> StockScene {
        let admin = try await harness.staffToken(username: "admin", role: .admin)
        for (slug, name, province, commune, lat, lon) in [
            (hanoi, "Điểm OCOP Hoàn Kiếm", "01", "00070", 21.0285, 105.8542),
            (tuyenQuang, "Điểm OCOP Vĩnh Tuy", "08", "01156", 22.2645, 104.8731),
        ] {
            let response = try await client.send(
                .post, "/v1/points", token: admin,
                json: """
                    {"slug":"\(slug)","name":"\(name)","location_type":"commercial_centre","address":"Số 1",
                     "province":"\(province)","commune":"\(commune)","latitude":\(lat),"longitude":\(lon),
                     "opening_hours":"08:00–21:00 hằng ngày",
                     "criteria":[{"key":"signboard","met":true,"note":"biển theo mẫu 3041"}]}
                    """)
            #expect(response.status == .created, "\(String(buffer: response.body))")
        }
        return StockScene(
            harness: harness, client: client, admin: admin,
            hanoiStaff: try await harness.staffToken(username: "staff-hn", role: .pointStaff, scopes: [hanoi]),
            tuyenQuangStaff: try await harness.staffToken(username: "staff-tq", role: .pointStaff, scopes: [tuyenQuang]))
    }

    /// Receives goods at a point as its staff and expects success.
    func receive(_ point: String, _ lines: String, token: String? = nil) async throws {
        let response = try await client.send(
            .post, "/v1/points/\(point)/receipts", token: token ?? staff(point), json: #"{"lines":[\#(lines)]}"#)
        #expect(response.status == .created, "\(String(buffer: response.body))")
    }

    func staff(_ point: String) -> String { point == Self.hanoi ? hanoiStaff : tuyenQuangStaff }

    /// The point's quantity of a SKU, all batches.
    func quantity(_ point: String, _ sku: String) async throws -> Int {
        let levels = try await StockStore().levels(point: point, harness.stack.database)
        return levels.filter { $0.sku == sku }.reduce(0) { $0 + $1.quantity }
    }

    /// The books balance: every level equals the sum of its ledger rows.
    func expectBalancedLedger(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let mismatches = try await StockStore().ledgerMismatches(harness.stack.database)
        #expect(mismatches.isEmpty, "\(mismatches)", sourceLocation: sourceLocation)
    }
}

extension TestClientProtocol {
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String?, json: String? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var fields = headers
        if let token { fields[.authorization] = "Bearer \(token)" }
        if json != nil { fields[.contentType] = "application/json" }
        return try await execute(
            uri: uri, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) }) { $0 }
    }
}
