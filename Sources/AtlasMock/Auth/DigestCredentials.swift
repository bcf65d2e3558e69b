/// The parameters of an `Authorization: Digest …` header (RFC 7616 §3.4), parsed strictly: quoted strings
/// with backslash escapes or tokens, comma-separated, each name at most once.
struct DigestCredentials: Equatable {
    var username: String
    var realm: String
    var nonce: String
    var uri: String
    var response: String
    var algorithm: String?
    var qop: String?
    var nc: String?
    var cnonce: String?

    /// Parses the value after the `Digest` scheme name; nil when malformed or missing a required parameter.
    init?(headerValue: Substring) {
        guard let parameters = Self.parameters(headerValue) else { return nil }
        guard let username = parameters["username"], let realm = parameters["realm"],
            let nonce = parameters["nonce"], let uri = parameters["uri"], let response = parameters["response"]
        else { return nil }
        self.username = username
        self.realm = realm
        self.nonce = nonce
        self.uri = uri
        self.response = response
        self.algorithm = parameters["algorithm"]
        self.qop = parameters["qop"]
        self.nc = parameters["nc"]
        self.cnonce = parameters["cnonce"]
    }

    private static func parameters(_ text: Substring) -> [String: String]? {
        var result: [String: String] = [:]
        var rest = text.utf8[...]
        func skipSpace() { while let byte = rest.first, byte == 0x20 || byte == 0x09 { rest.removeFirst() } }
        while true {
            skipSpace()
            guard !rest.isEmpty else { break }
            var name: [UInt8] = []
            while let byte = rest.first, Self.isTokenByte(byte) {
                name.append(byte)
                rest.removeFirst()
            }
            skipSpace()
            guard !name.isEmpty, rest.first == UInt8(ascii: "=") else { return nil }
            rest.removeFirst()
            skipSpace()
            var value: [UInt8] = []
            if rest.first == UInt8(ascii: "\"") {
                rest.removeFirst()
                var closed = false
                while var byte = rest.popFirst() {
                    if byte == UInt8(ascii: "\"") { closed = true; break }
                    if byte == UInt8(ascii: "\\") {
                        guard let escaped = rest.popFirst() else { return nil }
                        byte = escaped
                    }
                    // RFC 9110 §5.6.4: a quoted-pair escapes only what may appear in a quoted string, so an
                    // escaped control character is as invalid as a bare one.
                    guard byte >= 0x20 || byte == 0x09, byte != 0x7F else { return nil }
                    value.append(byte)
                }
                guard closed else { return nil }
            } else {
                while let byte = rest.first, Self.isTokenByte(byte) {
                    value.append(byte)
                    rest.removeFirst()
                }
                guard !value.isEmpty else { return nil }
            }
            let key = String(decoding: name, as: UTF8.self).lowercased()
            guard result[key] == nil, let string = String(validating: value, as: UTF8.self) else { return nil }
            result[key] = string
            skipSpace()
            if rest.isEmpty { break }
            guard rest.first == UInt8(ascii: ",") else { return nil }
            rest.removeFirst()
        }
        return result
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
