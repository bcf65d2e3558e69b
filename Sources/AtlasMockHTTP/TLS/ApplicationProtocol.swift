/// What a TLS connection will speak, as ALPN (RFC 7301) chose it.
enum ApplicationProtocol {
    case http2
    /// Also what a client that offers no ALPN gets.
    case http1

    /// The protocol's ALPN identifier.
    var alpnName: String {
        switch self {
        case .http2: return "h2"
        case .http1: return "http/1.1"
        }
    }
}
