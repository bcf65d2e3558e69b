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
    public var head: HTTPRequest
    /// The whole request body; the transport has already enforced its size limit.
    public var body: [UInt8]
    /// The peer's IP address without port, e.g. `127.0.0.1` or `::1`.
    public var remoteAddress: String
    /// The peer's port, for logs.
    public var remotePort: Int
    public var version: HTTPVersion

    public init(head: HTTPRequest, body: [UInt8], remoteAddress: String, remotePort: Int, version: HTTPVersion) {
        self.head = head
        self.body = body
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.version = version
    }

    /// The request target as sent (`/a/b?x=1`).
    public var target: String { self.head.path ?? "/" }

    /// The target's path, without the query.
    public var path: Substring {
        let target = self.target
        guard let mark = Self.queryMark(in: target) else { return target[...] }
        return target[..<mark]
    }

    /// The raw query after `?`, or nil when there is none.
    public var rawQuery: Substring? {
        let target = self.target
        guard let mark = Self.queryMark(in: target) else { return nil }
        return target[target.index(after: mark)...]
    }

    /// The first `?`, found in the UTF-8 bytes: `path` is read several times per request, and a `Character`
    /// search (grapheme breaking) was 10% of a list request's CPU time in the benchmark profile. Targets are
    /// ASCII (the HTTP/1.1 parser rejects anything else), where both searches agree.
    private static func queryMark(in target: String) -> String.Index? {
        target.utf8.firstIndex(of: UInt8(ascii: "?"))
    }
}
