import HTTPTypes

/// A complete response. The transport adds `Date`, `Content-Length` and framing headers itself.
public struct HTTPServerResponse: Sendable {
    public var head: HTTPResponse
    /// Fields sent after `head`'s: for values that change per response while the head is shared (a cached
    /// answer's counters). Appending them to `head` would copy its fields' storage on every response.
    public var appendedFields: [HTTPField] = []
    public var body: [UInt8]

    public init(head: HTTPResponse, body: [UInt8] = []) {
        self.head = head
        self.body = body
    }

    public init(status: HTTPResponse.Status, headerFields: HTTPFields = [:], body: [UInt8] = []) {
        self.head = HTTPResponse(status: status, headerFields: headerFields)
        self.body = body
    }
}

extension HTTPResponse.Status {
    /// 1xx, 204 and 304 responses have no content, nor a length for it (RFC 9110 §8.6, §15.4.5); both protocols
    /// ask this one rule.
    var allowsContent: Bool {
        !(self.kind == .informational || self == .noContent || self == .notModified)
    }
}

/// What a handler answers: a response, or the instruction to drop the connection without one
/// (used to simulate network failures on demand).
public enum HTTPServerReply: Sendable {
    case response(HTTPServerResponse)
    case dropConnection
}
