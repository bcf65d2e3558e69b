/// The query string, decoded, with Atlas's common parameters parsed strictly.
struct QueryParameters: Sendable {
    /// Every pair in the order sent (for echoing into links).
    let pairs: [(name: String, value: String)]

    /// No parameters.
    init() {
        self.pairs = []
    }

    init(rawQuery: Substring?) throws(AtlasFailure) {
        var pairs: [(String, String)] = []
        for piece in (rawQuery ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.percentDecode(parts[0]), let value = Self.percentDecode(parts.count > 1 ? parts[1] : "")
            else { throw .api(.invalidQueryParameter, .string(String(parts[0]))) }
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    /// The first value given for `name` (Atlas, like JAX-RS, reads the first).
    func value(_ name: String) -> String? {
        self.pairs.first { $0.name == name }?.value
    }

    /// `true`/`false` in any letter case, as Java's boolean parsing reads them; anything else is a 400.
    func bool(_ name: String, default defaultValue: Bool) throws(AtlasFailure) -> Bool {
        guard let text = self.value(name) else { return defaultValue }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw .api(.invalidQueryParameter, .string(name))
        }
    }

    /// A decimal integer within `range`; anything else is a 400.
    func int(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(AtlasFailure) -> Int {
        guard let text = self.value(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw .api(.invalidQueryParameter, .string(name))
        }
        return value
    }

    /// Decodes `%XX` escapes and `+` as space; nil for a bad escape or invalid UTF-8.
    static func percentDecode<S: StringProtocol>(_ text: S) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next()?.hexDigitValue, let low = iterator.next()?.hexDigitValue
                else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Percent-encodes a query name or value for a link `href`.
    static func percentEncode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                output += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])"
            }
        }
        return output
    }
}
