/// Documents as `JSONValue` trees (`JSONReader`, the fixtures' strict parser), and typed access to them: for request
/// bodies, and for code that picks a few fields from bodies it did not write, such as the recording import.
extension JSONValue {
    /// Nil when `bytes` is not one JSON document. Objects become `.object` (a repeated name keeps its last value),
    /// numbers keep their literal text (`.number`), so a value compares by content and is echoed as it was sent.
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        guard !bytes.isEmpty, let document = try? JSONReader.document(bytes) else { return nil }
        return document.normalized
    }

    private var normalized: JSONValue {
        switch self {
        case .orderedObject(let pairs):
            var members: [String: JSONValue] = [:]
            for (key, value) in pairs { members[key] = value.normalized }
            return .object(members)
        case .object(let members): return .object(members.mapValues(\.normalized))
        case .array(let elements): return .array(elements.map(\.normalized))
        default: return self
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

    /// An object's members in document order; nil for other values.
    var orderedMembers: [(String, JSONValue)]? {
        switch self {
        case .orderedObject(let members): return members
        case .object(let members): return members.sorted { $0.key < $1.key }
        default: return nil
        }
    }

    /// The `href` of the `self` link in `links`, which names the resource's path (lists and tenant entities).
    var selfLink: String? {
        self["links"].flatMap(Self.selfHref)
    }

    /// The `href` of the `self` link in a `links` array.
    static func selfHref(in links: JSONValue) -> String? {
        links.arrayValue?.first { $0["rel"]?.stringValue == "self" }?["href"]?.stringValue
    }
}
