import Foundation
public import Hummingbird
public import OCOPDomain

/// An RFC 9457 `application/problem+json` answer: every error the API gives takes this shape.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    public var errors: [DomainError.FieldIssue]
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ detail: String, errors: [DomainError.FieldIssue] = []) {
        self.status = status
        self.title = status.reasonPhrase
        self.detail = detail
        self.errors = errors
    }

    /// A 400 for a query parameter or body field that cannot be used.
    static func badParameter(_ field: String, _ reason: String) -> Problem {
        Problem(.badRequest, "\(field): \(reason)", errors: [.init(field: field, reason: reason)])
    }

    static func notFound(_ detail: String) -> Problem { Problem(.notFound, detail) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The problem+json document.
    var body: [UInt8] {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.key("type")
        json.string(Self.typeURI(status))
        json.key("title")
        json.string(title)
        json.key("status")
        json.int(status.code)
        json.key("detail")
        json.string(detail)
        if !errors.isEmpty {
            json.key("errors")
            json.beginArray()
            for issue in errors {
                json.beginObject()
                json.key("field")
                json.string(issue.field)
                json.key("reason")
                json.string(issue.reason)
                json.endObject()
            }
            json.endArray()
        }
        json.endObject()
        return json.bytes
    }

    private static func typeURI(_ status: HTTPResponse.Status) -> String {
        "https://ocop.example/problems/\(status.code)"
    }
}

extension Problem {
    /// The one place where domain error codes become HTTP statuses.
    init(_ error: DomainError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .notFound: .notFound
            case .conflict: .conflict
            case .forbidden: .forbidden
            case .unauthorized: .unauthorized
            case .precondition: .preconditionFailed
            case .throttled: .tooManyRequests
            default: .unprocessableContent
            }
        self.init(status, error.message, errors: error.issues)
    }
}
