import HTTPTypes

/// A parsed HTTP/1.x request head plus what the parser learnt about framing and connection handling.
struct HTTP1RequestHead: Equatable, Sendable {
    var method: HTTPRequest.Method
    /// The request target in origin form (`/a?b`), `*`, or an authority (CONNECT).
    var target: String
    var version: HTTPVersion
    /// From `Host`, or from an absolute-form target, which RFC 9112 §3.2.2 says takes precedence.
    var authority: String?
    /// Every field except `Host` (carried as `authority`, as HTTPTypes models it).
    var headerFields: HTTPFields
    /// Body framing: a fixed length, chunked, or none (length 0).
    var contentLength: Int?
    var isChunked = false
    /// Lowercased tokens of every `Connection` field.
    var connectionTokens: [String] = []
    var expectsContinue = false
    /// Lowercased tokens of the `Upgrade` fields.
    var upgradeTokens: [String] = []
    /// The `HTTP2-Settings` value when exactly one was sent.
    var http2Settings: String?

    var hasBody: Bool { self.isChunked || (self.contentLength ?? 0) > 0 }

    /// HTTP/1.1 is persistent unless `close`; HTTP/1.0 closes unless `keep-alive` (RFC 9112 §9.3).
    var keepAlive: Bool {
        switch self.version {
        case .http1_1: !self.connectionTokens.contains("close")
        default: self.connectionTokens.contains("keep-alive")
        }
    }

    /// The base64url `HTTP2-Settings` value when this is a valid `Upgrade: h2c` request (RFC 7540 §3.2):
    /// HTTP/1.1, no body, `h2c` offered, and `Connection` naming both `Upgrade` and `HTTP2-Settings`.
    var h2cUpgradeSettings: String? {
        guard self.version == .http1_1, !self.hasBody, self.upgradeTokens.contains("h2c"),
            self.connectionTokens.contains("upgrade"), self.connectionTokens.contains("http2-settings")
        else { return nil }
        return self.http2Settings
    }

    var request: HTTPRequest {
        HTTPRequest(method: self.method, scheme: nil, authority: self.authority, path: self.target,
                    headerFields: self.headerFields)
    }
}
