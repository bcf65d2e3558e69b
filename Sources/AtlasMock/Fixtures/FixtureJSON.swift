import FoundationEssentials
import Glibc

/// A parsed fixture document. Strings stay byte ranges into the source until a field is read, because a fixture
/// of 100,000 restore jobs holds millions of strings and most are only compared, never kept.
/// Foundation's `JSONSerialization` and `JSONDecoder` were measured at 3–5 s for such a file; this takes well under 1 s.
indirect enum FixtureJSON {
    case object([(key: FixtureJSONText, value: FixtureJSON)])
    case array([FixtureJSON])
    case string(FixtureJSONText)
    case number(FixtureJSONText)
    case bool(Bool)
    case null

    /// `an object`, `a string`…: how errors name what was found.
    var kindDescription: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}

/// A string or number token: where it lies in the source, and whether it holds escapes to decode.
struct FixtureJSONText {
    var start: Int
    var end: Int
    var escaped: Bool
}

/// A strict RFC 8259 parser over a byte buffer: no comments, no trailing commas, no raw control characters.
struct FixtureJSONParser {
    struct Failure: Error {
        var offset: Int
        var message: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Which bytes below 0x20 occur at all. Outside strings only tab, LF and CR may, so compact JSON needs no
    /// per-string scan, pretty JSON only a `memchr` for those three, and a byte loop runs only when others occur.
    private let hasWhitespaceControls: Bool
    private let hasOtherControls: Bool

    /// Parses one whole document; `bytes` must stay alive while the result's texts are read.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> FixtureJSON {
        // Validated once here, so every string token (delimited by ASCII quotes) is valid UTF-8 too.
        guard String(validating: bytes, as: UTF8.self) != nil else { throw Failure(offset: 0, message: "not valid UTF-8") }
        var parser = FixtureJSONParser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected text after the document") }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        let present = (0..<Int32(0x20)).filter { memchr(bytes.baseAddress!, $0, bytes.count) != nil }
        self.hasWhitespaceControls = present.contains { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        self.hasOtherControls = present.contains { $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }

    private func failure(_ message: String) -> Failure {
        Failure(offset: self.index, message: message)
    }

    private mutating func skipWhitespace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case 0x20, 0x0A, 0x0D, 0x09: self.index += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(Failure) -> FixtureJSON {
        // Fixtures nest a few levels; a bound keeps hostile input from exhausting the stack.
        guard depth < 64 else { throw self.failure("nesting deeper than 64 levels") }
        self.skipWhitespace()
        guard self.index < self.bytes.count else { throw self.failure("unexpected end of input") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return try self.object(depth: depth)
        case UInt8(ascii: "["): return try self.array(depth: depth)
        case UInt8(ascii: "\""): return .string(try self.string())
        case UInt8(ascii: "t"): return try self.literal("true", .bool(true))
        case UInt8(ascii: "f"): return try self.literal("false", .bool(false))
        case UInt8(ascii: "n"): return try self.literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try self.number())
        default: throw self.failure("unexpected character")
        }
    }

    private mutating func object(depth: Int) throws(Failure) -> FixtureJSON {
        self.index += 1
        var members: [(key: FixtureJSONText, value: FixtureJSON)] = []
        self.skipWhitespace()
        if self.index < self.bytes.count && self.bytes[self.index] == UInt8(ascii: "}") {
            self.index += 1
            return .object(members)
        }
        while true {
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else {
                throw self.failure("expected a quoted member name")
            }
            // Repeated names are reported by `FixtureDecoder.fields`, with the member's path.
            let key = try self.string()
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ":") else {
                throw self.failure("expected ':'")
            }
            self.index += 1
            members.append((key, try self.value(depth: depth + 1)))
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.failure("unexpected end of input") }
            switch self.bytes[self.index] {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "}"):
                self.index += 1
                return .object(members)
            default: throw self.failure("expected ',' or '}'")
            }
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> FixtureJSON {
        self.index += 1
        var elements: [FixtureJSON] = []
        self.skipWhitespace()
        if self.index < self.bytes.count && self.bytes[self.index] == UInt8(ascii: "]") {
            self.index += 1
            return .array(elements)
        }
        while true {
            elements.append(try self.value(depth: depth + 1))
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.failure("unexpected end of input") }
            switch self.bytes[self.index] {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "]"):
                self.index += 1
                return .array(elements)
            default: throw self.failure("expected ',' or ']'")
            }
        }
    }

    /// Finds the closing quote with `memchr`: strings are most of a fixture's bytes, and a C scan keeps
    /// debug builds fast too. Escapes are only validated here and decoded when the text is read.
    private mutating func string() throws(Failure) -> FixtureJSONText {
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
            let text = FixtureJSONText(start: start, end: quote, escaped: escaped)
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

    private mutating func number() throws(Failure) -> FixtureJSONText {
        let start = self.index
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                self.index += 1
            default:
                let text = FixtureJSONText(start: start, end: self.index, escaped: false)
                guard Double(self.text(text)) != nil else { throw Failure(offset: start, message: "invalid number") }
                return text
            }
        }
        let text = FixtureJSONText(start: start, end: self.index, escaped: false)
        guard Double(self.text(text)) != nil else { throw Failure(offset: start, message: "invalid number") }
        return text
    }

    private mutating func literal(_ word: StaticString, _ value: FixtureJSON) throws(Failure) -> FixtureJSON {
        let count = word.utf8CodeUnitCount
        guard self.index + count <= self.bytes.count,
            memcmp(self.bytes.baseAddress! + self.index, word.utf8Start, count) == 0
        else { throw self.failure("unexpected character") }
        self.index += count
        return value
    }

    private func text(_ text: FixtureJSONText) -> String {
        FixtureJSONParser.string(text, in: self.bytes)
    }

    /// The Swift string a token denotes, escapes decoded (already validated by the parser).
    static func string(_ text: FixtureJSONText, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        if text.escaped { return Self.decode(UnsafeBufferPointer(rebasing: bytes[text.start..<text.end])) ?? "" }
        // A copy into the string's own storage: `String(decoding:)` is generic and crawls in debug builds.
        let count = text.end - text.start
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { storage in
            memcpy(storage.baseAddress!, bytes.baseAddress! + text.start, count)
            return count
        }
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
