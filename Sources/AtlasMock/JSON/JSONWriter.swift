/// Serialises `JSONValue` the two ways Atlas does: compact (the default) and Jackson's default pretty printer
/// (`pretty=true`): two-space indent, `"key" : value`, arrays inline as `[ {` … `}, {` … `} ]`, empty `[ ]`/`{ }`.
struct JSONWriter {
    enum Style { case compact, pretty }

    static func encode(_ value: JSONValue, style: Style) -> [UInt8] {
        var writer = JSONWriter(style: style)
        writer.output.reserveCapacity(1024)
        writer.write(value, depth: 0)
        return writer.output
    }

    private let style: Style
    private var output: [UInt8] = []

    private init(style: Style) { self.style = style }

    private mutating func write(_ value: JSONValue, depth: Int) {
        switch value {
        case .string(let string): self.writeString(string)
        case .int(let int): self.output.append(contentsOf: String(int).utf8)
        case .number(let text): self.output.append(contentsOf: text.utf8)
        case .bool(let bool): self.output.append(contentsOf: (bool ? "true" : "false").utf8)
        case .null: self.output.append(contentsOf: "null".utf8)
        case .array(let elements): self.writeArray(elements, depth: depth)
        case .object(let members):
            // Byte order, not String's Unicode-aware `<`: the same order for Atlas's ASCII keys, at a fraction of
            // the cost (sorting keys showed up in list-request profiles).
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            self.writeObject(sorted.map { ($0.key, $0.value) }, depth: depth)
        case .orderedObject(let members): self.writeObject(members, depth: depth)
        }
    }

    private mutating func writeArray(_ elements: [JSONValue], depth: Int) {
        self.output.append(UInt8(ascii: "["))
        if self.style == .pretty { self.output.append(UInt8(ascii: " ")) }
        for (index, element) in elements.enumerated() {
            if index > 0 {
                self.output.append(UInt8(ascii: ","))
                if self.style == .pretty { self.output.append(UInt8(ascii: " ")) }
            }
            self.write(element, depth: depth)
        }
        if self.style == .pretty && !elements.isEmpty { self.output.append(UInt8(ascii: " ")) }
        self.output.append(UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ members: [(String, JSONValue)], depth: Int) {
        self.output.append(UInt8(ascii: "{"))
        guard !members.isEmpty else {
            if self.style == .pretty { self.output.append(UInt8(ascii: " ")) }
            self.output.append(UInt8(ascii: "}"))
            return
        }
        for (index, (key, value)) in members.enumerated() {
            if index > 0 { self.output.append(UInt8(ascii: ",")) }
            if self.style == .pretty { self.newline(indent: depth + 1) }
            self.writeString(key)
            if self.style == .pretty {
                self.output.append(contentsOf: " : ".utf8)
            } else {
                self.output.append(UInt8(ascii: ":"))
            }
            self.write(value, depth: depth + 1)
        }
        if self.style == .pretty { self.newline(indent: depth) }
        self.output.append(UInt8(ascii: "}"))
    }

    private mutating func newline(indent: Int) {
        self.output.append(UInt8(ascii: "\n"))
        self.output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    /// Escapes as Jackson does: quote, backslash and control characters; `/` and non-ASCII are written as is.
    private mutating func writeString(_ string: String) {
        self.output.append(UInt8(ascii: "\""))
        // Almost every string needs no escaping: scan the contiguous UTF-8 and copy it in one go (a byte-by-byte
        // loop, then an iterator-based scan, were the encoder's top costs in the benchmark profile).
        var string = string
        let copied = string.withUTF8 { bytes -> Bool in
            let needsEscaping = bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
            if !needsEscaping { self.output.append(contentsOf: bytes) }
            return !needsEscaping
        }
        if copied {
            self.output.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): self.output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): self.output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): self.output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): self.output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                self.output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                self.output.append(hex[Int(byte >> 4)])
                self.output.append(hex[Int(byte & 0xF)])
            default: self.output.append(byte)
            }
        }
        self.output.append(UInt8(ascii: "\""))
    }
}
