/// Request bodies as `JSONValue` trees, parsed with the package's strict RFC 8259 parser (the fixtures').
extension JSONValue {
    /// Nil when `bytes` is not one JSON document. Objects keep the last value of a repeated name, numbers their
    /// literal text (`.number`), so a value is echoed as it was sent.
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        guard !bytes.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            guard let document = try? FixtureJSONParser.parse(buffer) else { return nil }
            return Self.convert(document, in: buffer)
        }
    }

    private static func convert(_ value: FixtureJSON, in buffer: UnsafeBufferPointer<UInt8>) -> JSONValue {
        switch value {
        case .object(let pairs):
            var members: [String: JSONValue] = [:]
            for (key, member) in pairs { members[FixtureJSONParser.string(key, in: buffer)] = Self.convert(member, in: buffer) }
            return .object(members)
        case .array(let elements): return .array(elements.map { Self.convert($0, in: buffer) })
        case .string(let text): return .string(FixtureJSONParser.string(text, in: buffer))
        case .number(let text): return .number(FixtureJSONParser.string(text, in: buffer))
        case .bool(let bool): return .bool(bool)
        case .null: return .null
        }
    }

    /// The members of an object (either kind), nil for anything else.
    var members: [String: JSONValue]? {
        switch self {
        case .object(let members): return members
        case .orderedObject(let members): return Dictionary(members, uniquingKeysWith: { _, last in last })
        default: return nil
        }
    }

    subscript(_ key: String) -> JSONValue? { self.members?[key] }

    var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// An integer, from `.int` or from a `.number` literal without fraction or exponent.
    var intValue: Int? {
        switch self {
        case .int(let int): return int
        case .number(let literal): return Int(literal)
        default: return nil
        }
    }

    /// A number of either kind as a `Double`.
    var doubleValue: Double? {
        switch self {
        case .int(let int): return Double(int)
        case .number(let literal): return Double(literal)
        default: return nil
        }
    }
}
