/// What a TLS connection will speak, as ALPN (RFC 7301) chose it.
enum ApplicationProtocol: Equatable {
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

    /// Our choice from a client's ALPN list (RFC 7301 §3.1: each name preceded by its one-byte length): `h2`
    /// wherever it is in the list, else `http/1.1`, with where the chosen name sits in `offered`. Nil when the list
    /// offers neither, or is malformed (an empty name, or a length running past the end).
    static func select(from offered: UnsafeBufferPointer<UInt8>) -> (chosen: ApplicationProtocol, name: Range<Int>)? {
        var choice: (chosen: ApplicationProtocol, name: Range<Int>)?
        var index = 0
        while index < offered.count {
            let length = Int(offered[index])
            let name = (index + 1)..<(index + 1 + length)
            guard length > 0, name.upperBound <= offered.count else { return nil }
            if offered[name].elementsEqual(Self.http2.alpnName.utf8) {
                choice = (.http2, name)
            } else if choice == nil, offered[name].elementsEqual(Self.http1.alpnName.utf8) {
                choice = (.http1, name)
            }
            index = name.upperBound
        }
        return choice
    }
}
