import HTTPTypes

/// The HTTP version a request arrived with; the same request type serves both protocols.
public enum HTTPVersion: String, Sendable, Hashable {
    case http1_0 = "HTTP/1.0"
    case http1_1 = "HTTP/1.1"
    case http2 = "HTTP/2"
}

/// One complete request, independent of the protocol that carried it.
public struct HTTPServerRequest: Sendable {
    /// Method, authority (`Host` or `:authority`) and request target (path plus query) as received.
    /// Constant, because `target`, `path` and `rawQuery` are derived from it once.
    public let head: HTTPRequest
    /// The whole request body; the transport has already enforced its size limit.
    public var body: [UInt8]
    /// The peer's IP address without port, e.g. `127.0.0.1` or `::1`.
    public var remoteAddress: String
    /// The peer's port, for logs.
    public var remotePort: Int
    public var version: HTTPVersion
    /// Whether the request came over TLS (the `https` listener). Set by the transport, never from a header, so a
    /// client cannot claim it.
    public var overTLS = false

    public init(head: HTTPRequest, body: [UInt8], remoteAddress: String, remotePort: Int, version: HTTPVersion) {
        self.head = head
        self.body = body
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.version = version
        let target = head.path ?? "/"
        self.target = target
        // A byte search, once: `path` is read several times per request, and searching `Character`s (grapheme
        // breaking) was 10% of a list request's CPU time. Targets are ASCII (the HTTP/1.1 parser rejects anything
        // else), where both searches agree.
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.path = target[..<mark]
            self.rawQuery = target[target.index(after: mark)...]
        } else {
            self.path = target[...]
            self.rawQuery = nil
        }
    }

    /// The request target as sent (`/a/b?x=1`).
    public let target: String
    /// The target's path, without the query.
    public let path: Substring
    /// The raw query after `?`, or nil when there is none.
    public let rawQuery: Substring?
}
