/// The shape of a nested JSON request body, declared field by field, and the check Atlas makes of it: not JSON →
/// `MALFORMED_JSON`; not an object → `INVALID_JSON`; an unknown attribute → `INVALID_ATTRIBUTE`; a wrong type →
/// `INVALID_JSON_ATTRIBUTE`; a value outside an enum → `INVALID_ENUM_VALUE`; a missing required attribute →
/// `MISSING_ATTRIBUTE`; a field's own rule (a cluster name, a region) → that rule's error.
///
/// Read-only attributes are refused with `ATTRIBUTE_READ_ONLY` only when they say something: Atlas's own clients
/// send them at their zero values (the Go SDK's `admin.Group` carries `clusterCount: 0` and
/// `created: 0001-01-01T00:00:00Z`) or unchanged (a resource read, edited and sent back), and Atlas accepts that.
/// Such members, and explicit nulls, are dropped from the checked body.
struct RequestSchema: Sendable {
    indirect enum Kind: Sendable {
        case string
        case bool
        case integer
        case number
        case enumeration([String])
        case array(Kind)
        case object(RequestSchema)
        /// An object checked no deeper (settings atlas-mock only echoes).
        case anyObject
    }

    struct Field: Sendable {
        var kind: Kind
        var required = false
        var readOnly = false
        /// A further rule on a string value, throwing the field's own error.
        var rule: (@Sendable (String) throws(AtlasFailure) -> Void)?
    }

    var fields: [String: Field]

    /// Parses and checks `bytes`; `current` is the resource as it is now (for an update), against which read-only
    /// values count as unchanged.
    func check(_ bytes: [UInt8], current: JSONValue? = nil) throws(AtlasFailure) -> [String: JSONValue] {
        guard let document = JSONValue.parse(bytes) else { throw .api(.malformedJSON) }
        guard let members = document.members else { throw .api(.invalidJSON) }
        return try self.check(members, path: "", current: current)
    }

    private func check(_ members: [String: JSONValue], path: String, current: JSONValue?) throws(AtlasFailure)
        -> [String: JSONValue]
    {
        var checked: [String: JSONValue] = [:]
        for name in members.keys.sorted() {
            let value = members[name]!
            let attribute = path + name
            guard let field = self.fields[name] else { throw .api(.invalidAttribute, .string(attribute)) }
            if value == .null { continue }
            if field.readOnly {
                if value.isZero || value == current?[name] { continue }
                throw .api(.attributeReadOnly, .string(attribute))
            }
            checked[name] = try Self.check(value, as: field.kind, attribute: attribute, current: current?[name])
            if let rule = field.rule, let string = value.stringValue { try rule(string) }
        }
        for (name, field) in self.fields where field.required && checked[name] == nil {
            throw .api(.missingAttribute, .string(path + name))
        }
        return checked
    }

    private static func check(_ value: JSONValue, as kind: Kind, attribute: String, current: JSONValue?)
        throws(AtlasFailure) -> JSONValue
    {
        switch kind {
        case .string:
            guard value.stringValue != nil else { throw .api(.invalidJSONAttribute, .string(attribute)) }
        case .bool:
            guard value.boolValue != nil else { throw .api(.invalidJSONAttribute, .string(attribute)) }
        case .integer:
            guard value.intValue != nil else { throw .api(.invalidJSONAttribute, .string(attribute)) }
        case .number:
            guard value.doubleValue != nil else { throw .api(.invalidJSONAttribute, .string(attribute)) }
        case .enumeration(let allowed):
            guard let string = value.stringValue else { throw .api(.invalidJSONAttribute, .string(attribute)) }
            guard allowed.contains(string) else { throw .api(.invalidEnumValue, .string(string)) }
        case .array(let element):
            guard let elements = value.arrayValue else { throw .api(.invalidJSONAttribute, .string(attribute)) }
            var checked: [JSONValue] = []
            for (index, item) in elements.enumerated() {
                let old = current?.arrayValue.flatMap { index < $0.count ? $0[index] : nil }
                checked.append(try Self.check(item, as: element, attribute: attribute, current: old))
            }
            return .array(checked)
        case .object(let schema):
            guard let members = value.members else { throw .api(.invalidJSONAttribute, .string(attribute)) }
            return .object(try schema.check(members, path: attribute + ".", current: current))
        case .anyObject:
            guard value.members != nil else { throw .api(.invalidJSONAttribute, .string(attribute)) }
        }
        return value
    }
}

extension JSONValue {
    /// A client's "nothing": `0`, `false`, `""`, Go's zero time, an empty array, or an object of such values.
    var isZero: Bool {
        switch self {
        case .null: return true
        case .bool(let bool): return !bool
        case .int(let int): return int == 0
        case .number(let literal): return Double(literal) == 0
        case .string(let string): return string.isEmpty || string == "0001-01-01T00:00:00Z"
        case .array(let elements): return elements.isEmpty
        case .object, .orderedObject: return self.members?.values.allSatisfy(\.isZero) ?? true
        }
    }
}
