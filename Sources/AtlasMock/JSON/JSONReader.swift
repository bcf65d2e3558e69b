import FoundationEssentials
import Glibc

/// A string or number token: where it lies in the source, and whether it holds escapes to decode.
struct JSONText {
    var start: Int
    var end: Int
    var escaped: Bool
}

/// Where an array's elements start and where the array ends, noted by a decoder that stepped over it (`skipArray`):
/// its reader can then allocate the array once, or decode its elements apart (`ResourceSchema+Concurrent`).
struct JSONArrayExtent: Sendable {
    var elementStarts: [Int]
    var end: Int
}

/// What stepping over a value learnt that reading it can reuse: where an array's elements start, or a string's
/// token (its closing quote found, its escapes and control bytes checked).
enum JSONKnownValue: Sendable {
    case array(JSONArrayExtent)
    case string(JSONText)
}

/// What the next value is.
enum JSONKind {
    case object, array, string, number, bool, null

    /// `an object`, `a string`…: how errors name what was found.
    var description: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

/// Where and why a document is not JSON.
struct JSONSyntaxError: Error {
    var offset: Int
    var message: String
}

/// The one JSON parser of the package: a strict RFC 8259 pull reader over a byte buffer (no comments, no trailing
/// commas, no raw control characters). Fixtures are decoded straight from it into records, never through a tree:
/// a fixture of 300,000 restore jobs would otherwise hold millions of small allocations at once. Strings stay
/// byte ranges until a field is read, because most are only compared or checked, never kept. Small documents
/// (request and admin bodies) can be read whole as a `JSONValue` (`document`).
///
/// The buffer must stay alive while the reader and the texts it returns are used.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The read position; decoders may move it back to a value they saw earlier (`ResourceSchema`).
    var index = 0
    /// What a decoder that already stepped over the value at the read position learnt about it (`ResourceSchema`
    /// locates members before reading them), so that reading it does not scan it again. Nil when unknown; a
    /// string's token is only taken when it starts at the read position.
    var known: JSONKnownValue?

    /// The extent of the array at the read position, when known.
    var arrayExtent: JSONArrayExtent? {
        guard case .array(let extent)? = self.known else { return nil }
        return extent
    }
    private var depth = 0
    /// Which bytes below 0x20 occur at all. Outside strings only tab, LF and CR may, so compact JSON needs no
    /// per-string scan, pretty JSON only a `memchr` for those three, and a byte loop runs only when others occur.
    private let hasWhitespaceControls: Bool
    private let hasOtherControls: Bool

    /// Fixtures nest a few levels; a bound keeps hostile input from exhausting the stack.
    static let maximumDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        // Validated once here, so every string token (delimited by ASCII quotes) is valid UTF-8 too.
        guard Self.isValidUTF8(bytes) else { throw JSONSyntaxError(offset: 0, message: "not valid UTF-8") }
        self.bytes = bytes
        let present = Self.controlBytesPresent(bytes)
        let whitespace: UInt32 = 1 << 0x09 | 1 << 0x0A | 1 << 0x0D
        self.hasWhitespaceControls = present & whitespace != 0
        self.hasOtherControls = present & ~whitespace != 0
    }

    /// Bit n is set when byte n (below 0x20) occurs: one pass, where a `memchr` per byte value read the buffer 32
    /// times (a tenth of the time a large fixture took to load). Compact JSON has no such bytes at all, so eight
    /// bytes are tested at once and only a word holding one is looked at byte by byte (a byte loop over the whole
    /// buffer was 4% of loading 100,000 restore jobs; `SIMD32` compares, not specialised, made it 27%).
    private static func controlBytesPresent(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var present: UInt32 = 0
        func scan(_ range: Range<Int>) {
            for byte in bytes[range] where byte < 0x20 { present |= 1 << UInt32(byte) }
        }
        var start = 0
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            let ones: UInt64 = 0x0101_0101_0101_0101
            while start + 8 <= bytes.count {
                let word = base.loadUnaligned(fromByteOffset: start, as: UInt64.self)
                // Nonzero exactly when some byte of the word is below 0x20 ("hasless" in Bit Twiddling Hacks).
                if (word &- ones &* 0x20) & ~word & (ones &* 0x80) != 0 { scan(start..<start + 8) }
                start += 8
            }
        }
        scan(start..<bytes.count)
        return present
    }

    /// The standard library's (vectorised) validation, a megabyte at a time: validating the whole buffer at once
    /// would build a `String` as large as the document. Chunks end before a byte that starts a character, so no
    /// multi-byte sequence is split.
    private static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let chunk = 1 << 20
        var start = 0
        while start < bytes.count {
            var end = Swift.min(bytes.count, start + chunk)
            // Continuation bytes are 10xxxxxx; back off to the start of a character (at most 3 bytes).
            while end < bytes.count, end > start, bytes[end] & 0xC0 == 0x80 { end -= 1 }
            guard String(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) != nil else {
                return false
            }
            start = end
        }
        return true
    }

    /// Parses a whole small document into a tree; object members keep their order (and repeats).
    static func document(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> JSONValue in
            var reader = try JSONReader(buffer)
            let value = try reader.value()
            try reader.end()
            return value
        }
    }

    func failure(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: self.index, message: message)
    }

    /// Checks nothing but whitespace follows the document.
    mutating func end() throws(JSONSyntaxError) {
        self.skipWhitespace()
        guard self.index == self.bytes.count else { throw self.failure("unexpected text after the document") }
    }

    // MARK: Values

    /// The kind of the next value, after skipping whitespace.
    mutating func kind() throws(JSONSyntaxError) -> JSONKind {
        self.skipWhitespace()
        guard self.index < self.bytes.count else { throw self.failure("unexpected end of input") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw self.failure("unexpected character")
        }
    }

    /// Reads an object, calling `member` with each name; `member` must read (or skip) the value.
    mutating func readObject(_ member: (inout JSONReader, JSONText) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        try self.readSequence(closedBy: UInt8(ascii: "}")) { (reader) throws(JSONSyntaxError) in
            reader.skipWhitespace()
            guard reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: "\"") else {
                throw reader.failure("expected a quoted member name")
            }
            let key = try reader.string()
            reader.skipWhitespace()
            guard reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: ":") else {
                throw reader.failure("expected ':'")
            }
            reader.index += 1
            try member(&reader, key)
        }
    }

    /// Reads an array, calling `element` with each index; `element` must read (or skip) the value.
    mutating func readArray(_ element: (inout JSONReader, Int) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        var count = 0
        try self.readSequence(closedBy: UInt8(ascii: "]")) { (reader) throws(JSONSyntaxError) in
            try element(&reader, count)
            count += 1
        }
    }

    /// The items of the object or array that opens at the reader, comma-separated up to `close`.
    @inline(__always)
    private mutating func readSequence(
        closedBy close: UInt8, _ item: (inout JSONReader) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        try self.enter()
        self.index += 1
        self.skipWhitespace()
        if self.index < self.bytes.count && self.bytes[self.index] == close {
            self.index += 1
            self.depth -= 1
            return
        }
        while true {
            try item(&self)
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.failure("unexpected end of input") }
            switch self.bytes[self.index] {
            case UInt8(ascii: ","): self.index += 1
            case close:
                self.index += 1
                self.depth -= 1
                return
            default: throw self.failure("expected ',' or '\(Character(Unicode.Scalar(close)))'")
            }
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        self.depth += 1
        guard self.depth <= Self.maximumDepth else {
            throw self.failure("nesting deeper than \(Self.maximumDepth) levels")
        }
    }

    /// Reads a string token (the reader must be at one: check `kind()` first).
    mutating func readString() throws(JSONSyntaxError) -> JSONText {
        self.skipWhitespace()
        if case .string(let text)? = self.known, text.start == self.index + 1 {
            self.index = text.end + 1
            return text
        }
        return try self.string()
    }

    /// Reads a number token, checked to be a valid JSON number.
    mutating func readNumber() throws(JSONSyntaxError) -> JSONText {
        self.skipWhitespace()
        let start = self.index
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                self.index += 1
            default:
                return try self.checkedNumber(from: start)
            }
        }
        return try self.checkedNumber(from: start)
    }

    private func checkedNumber(from start: Int) throws(JSONSyntaxError) -> JSONText {
        let text = JSONText(start: start, end: self.index, escaped: false)
        guard Double(self.string(text)) != nil else { throw JSONSyntaxError(offset: start, message: "invalid number") }
        return text
    }

    mutating func readBool() throws(JSONSyntaxError) -> Bool {
        self.skipWhitespace()
        if try self.literal("true") { return true }
        if try self.literal("false") { return false }
        throw self.failure("unexpected character")
    }

    mutating func readNull() throws(JSONSyntaxError) {
        self.skipWhitespace()
        guard try self.literal("null") else { throw self.failure("unexpected character") }
    }

    /// Steps over the next value, checking its syntax.
    mutating func skipValue() throws(JSONSyntaxError) {
        switch try self.kind() {
        case .object: try self.readObject { reader, _ throws(JSONSyntaxError) in try reader.skipValue() }
        case .array: try self.readArray { reader, _ throws(JSONSyntaxError) in try reader.skipValue() }
        case .string: _ = try self.string()
        case .number: _ = try self.readNumber()
        case .bool: _ = try self.readBool()
        case .null: try self.readNull()
        }
    }

    /// Steps over the array at the read position as `skipValue` does, noting where each element starts.
    mutating func skipArray() throws(JSONSyntaxError) -> JSONArrayExtent {
        var starts: [Int] = []
        try self.readArray { reader, _ throws(JSONSyntaxError) in
            _ = try reader.kind()
            starts.append(reader.index)
            try reader.skipValue()
        }
        return JSONArrayExtent(elementStarts: starts, end: self.index)
    }

    /// A reader at the element starting at `start` of the array at the read position (found by `skipArray`),
    /// nested as deep as that element: the same errors, at the same offsets, as reading the array through.
    func element(at start: Int) -> JSONReader {
        var reader = self
        reader.index = start
        reader.depth += 1
        reader.known = nil
        return reader
    }

    /// Reads the next value as a tree (for small documents).
    mutating func value() throws(JSONSyntaxError) -> JSONValue {
        switch try self.kind() {
        case .object:
            var members: [(String, JSONValue)] = []
            try self.readObject { reader, key throws(JSONSyntaxError) in
                members.append((reader.string(key), try reader.value()))
            }
            return .orderedObject(members)
        case .array:
            var elements: [JSONValue] = []
            try self.readArray { reader, _ throws(JSONSyntaxError) in elements.append(try reader.value()) }
            return .array(elements)
        case .string: return .string(self.string(try self.string()))
        case .number: return .number(self.string(try self.readNumber()))
        case .bool: return .bool(try self.readBool())
        case .null:
            try self.readNull()
            return .null
        }
    }

    // MARK: Tokens

    private mutating func skipWhitespace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case 0x20, 0x0A, 0x0D, 0x09: self.index += 1
            default: return
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) -> Bool {
        let count = word.utf8CodeUnitCount
        guard self.index + count <= self.bytes.count,
            memcmp(self.bytes.baseAddress! + self.index, word.utf8Start, count) == 0
        else { return false }
        self.index += count
        return true
    }

    /// Finds the closing quote with `memchr`: strings are most of a fixture's bytes, and a C scan keeps
    /// debug builds fast too. Escapes are only validated here and decoded when the text is read.
    private mutating func string() throws(JSONSyntaxError) -> JSONText {
        let start = self.index + 1
        var escaped = false
        var position = start
        let base = self.bytes.baseAddress!
        while position < self.bytes.count {
            guard let found = memchr(base + position, Int32(UInt8(ascii: "\"")), self.bytes.count - position) else { break }
            let quote = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if memchr(base + position, Int32(UInt8(ascii: "\\")), quote - position) != nil {
                escaped = true
                var backslashes = 0
                while quote - 1 - backslashes >= start && self.bytes[quote - 1 - backslashes] == UInt8(ascii: "\\") {
                    backslashes += 1
                }
                if backslashes % 2 == 1 {
                    position = quote + 1
                    continue
                }
            }
            if self.hasWhitespaceControls || self.hasOtherControls,
                let control = firstControlCharacter(base + start, quote - start, scanAll: self.hasOtherControls)
            {
                self.index = start + control
                throw self.failure("unescaped control character in a string")
            }
            let text = JSONText(start: start, end: quote, escaped: escaped)
            if escaped && Self.decode(UnsafeBufferPointer(rebasing: self.bytes[start..<quote])) == nil {
                self.index = start
                throw self.failure("invalid escape sequence or UTF-8 in a string")
            }
            self.index = quote + 1
            return text
        }
        self.index = self.bytes.count
        throw self.failure("unterminated string")
    }

    // MARK: Reading texts

    /// The Swift string a token denotes, escapes decoded (already validated by the reader).
    func string(_ text: JSONText) -> String {
        if text.escaped { return Self.decode(UnsafeBufferPointer(rebasing: self.bytes[text.start..<text.end])) ?? "" }
        // A copy into the string's own storage: `String(decoding:)` is generic and crawls in debug builds.
        let count = text.end - text.start
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { storage in
            memcpy(storage.baseAddress!, self.bytes.baseAddress! + text.start, count)
            return count
        }
    }

    /// Whether a token's text is exactly `utf8`, compared in place.
    func text(_ text: JSONText, equals utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        if text.escaped { return self.string(text).utf8.elementsEqual(utf8) }
        guard text.end - text.start == utf8.count else { return false }
        return utf8.isEmpty || memcmp(self.bytes.baseAddress! + text.start, utf8.baseAddress!, utf8.count) == 0
    }

    func text(_ text: JSONText, equals utf8: [UInt8]) -> Bool {
        utf8.withUnsafeBufferPointer { self.text(text, equals: $0) }
    }

    func text(_ text: JSONText, equals string: String) -> Bool {
        var string = string
        return string.withUTF8 { self.text(text, equals: $0) }
    }

    /// The raw bytes of an unescaped token, for checks that need no `String` (ids, dates).
    func raw(_ text: JSONText) -> UnsafeBufferPointer<UInt8>? {
        text.escaped ? nil : UnsafeBufferPointer(rebasing: self.bytes[text.start..<text.end])
    }

    /// Decodes JSON escapes (including surrogate pairs); nil when one is malformed or the UTF-8 is invalid.
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for byte in bytes[at..<at + 4] {
                guard let digit = byte.hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { return nil }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(index) else { return nil }
                index += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u"), let low = hex4(index + 2), (0xDC00..<0xE000).contains(low)
                    else { return nil }
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { return nil }
                output.append(contentsOf: Array(String(Character(unicode)).utf8))
            default: return nil
            }
        }
        return String(validating: output, as: UTF8.self)
    }
}

/// The offset of the first byte below 0x20 in `count` bytes at `start`, if any: tab, LF and CR are found with
/// `memchr`; the byte loop for the others runs only when `scanAll` says the document has some.
private func firstControlCharacter(_ start: UnsafePointer<UInt8>, _ count: Int, scanAll: Bool) -> Int? {
    if scanAll {
        var offset = 0
        while offset < count {
            if start[offset] < 0x20 { return offset }
            offset += 1
        }
        return nil
    }
    return [0x0A, 0x0D, 0x09].compactMap { byte in
        memchr(start, Int32(byte), count).map { start.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
    }.min()
}
