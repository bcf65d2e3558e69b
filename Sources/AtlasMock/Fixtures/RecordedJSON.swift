/// A recorded response body as an owned tree, for the recording import to pick fields from. Parsed with the
/// fixtures' JSON parser (the one strict parser), then copied out of the borrowed buffer.
indirect enum RecordedJSON {
    case object([(key: String, value: RecordedJSON)])
    case array([RecordedJSON])
    case string(String)
    /// The number's text as written.
    case number(String)
    case bool(Bool)
    case null

    /// Nil when `bytes` is not one valid JSON document.
    static func parse(_ bytes: [UInt8]) -> RecordedJSON? {
        bytes.withUnsafeBufferPointer { buffer -> RecordedJSON? in
            guard let root = try? FixtureJSONParser.parse(buffer) else { return nil }
            return Self(root, in: buffer)
        }
    }

    private init(_ value: FixtureJSON, in bytes: UnsafeBufferPointer<UInt8>) {
        switch value {
        case .object(let members):
            self = .object(members.map { (FixtureJSONParser.string($0.key, in: bytes), Self($0.value, in: bytes)) })
        case .array(let elements): self = .array(elements.map { Self($0, in: bytes) })
        case .string(let text): self = .string(FixtureJSONParser.string(text, in: bytes))
        case .number(let text): self = .number(FixtureJSONParser.string(text, in: bytes))
        case .bool(let flag): self = .bool(flag)
        case .null: self = .null
        }
    }

    subscript(_ key: String) -> RecordedJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    var string: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    var elements: [RecordedJSON]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    var keys: [String] {
        guard case .object(let members) = self else { return [] }
        return members.map(\.key)
    }

    /// The value as the fixture writer takes it; nil for a number that is not an integer (no fixture field is).
    var jsonValue: JSONValue? {
        switch self {
        case .object(let members):
            var object: [String: JSONValue] = [:]
            for (key, value) in members {
                guard let converted = value.jsonValue else { return nil }
                object[key] = converted
            }
            return .object(object)
        case .array(let elements):
            let converted = elements.compactMap(\.jsonValue)
            return converted.count == elements.count ? .array(converted) : nil
        case .string(let text): return .string(text)
        case .number(let text): return Int(text).map { .int($0) }
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        }
    }

    /// The `href` of the `self` link in `links`, which names the resource's path (lists and tenant entities).
    var selfLink: String? {
        self["links"]?.elements?.first { $0["rel"]?.string == "self" }?["href"]?.string
    }
}
