import FoundationEssentials

/// How one JSON value becomes a Swift value and back, with the exact message for each way it can be wrong.
struct FieldCodec<Value>: Sendable {
    /// How FORMAT.md names the type.
    let type: String
    /// Reads the value at the reader; nil (after reporting at `path`) when it is invalid.
    let decode: @Sendable (inout JSONReader, inout FixtureDiagnostics, JSONPath) throws(JSONSyntaxError) -> Value?
    let encode: @Sendable (Value) -> JSONValue

    /// This codec with a further check on decoded values; `problem` returns the message for a bad one.
    func checked(type: String? = nil, _ problem: @escaping @Sendable (Value) -> String?) -> FieldCodec {
        let decode = self.decode
        return FieldCodec(
            type: type ?? self.type,
            decode: { reader, diagnostics, path throws(JSONSyntaxError) in
                guard let value = try decode(&reader, &diagnostics, path) else { return nil }
                if let message = problem(value) {
                    diagnostics.error(path, message)
                    return nil
                }
                return value
            }, encode: self.encode)
    }

    /// Reads a value of `kind` with `read`, or reports what was found instead.
    fileprivate static func expecting(
        _ kind: JSONKind, _ expected: String, _ reader: inout JSONReader, _ diagnostics: inout FixtureDiagnostics,
        _ path: JSONPath, _ read: (inout JSONReader, inout FixtureDiagnostics) throws(JSONSyntaxError) -> Value?
    ) throws(JSONSyntaxError) -> Value? {
        let found = try reader.kind()
        guard found == kind else {
            diagnostics.error(path, "expected \(expected), found \(found.description)")
            try reader.skipValue()
            return nil
        }
        return try read(&reader, &diagnostics)
    }
}

extension FieldCodec where Value == String {
    static let string = FieldCodec(
        type: "string",
        decode: { reader, diagnostics, path throws(JSONSyntaxError) in
            try Self.expecting(.string, "a string", &reader, &diagnostics, path) { (reader, diagnostics) throws(JSONSyntaxError) in
                reader.string(try reader.readString())
            }
        }, encode: { .string($0) })

    /// A 24-hex id (`^([a-f0-9]{24})$`), checked on the raw bytes: ids are most of a fixture's strings.
    static let objectID = FieldCodec.objectID(shared: false)

    /// An id that names another record (`projectId`, `snapshotId`…): checked like `objectID`, and stored once
    /// however many records repeat it, looked up by its bytes (a repeated id makes no new string).
    static let reference = FieldCodec.objectID(shared: true)

    private static func objectID(shared: Bool) -> FieldCodec {
        FieldCodec(
            type: "ObjectId",
            decode: { reader, diagnostics, path throws(JSONSyntaxError) in
                try Self.expecting(.string, "a string", &reader, &diagnostics, path) { (reader, diagnostics) throws(JSONSyntaxError) in
                    let text = try reader.readString()
                    if let raw = reader.raw(text), Identifiers.isObjectID(bytes: raw) {
                        return shared ? diagnostics.shared(text, in: reader) : reader.string(text)
                    }
                    diagnostics.error(path, "\"\(reader.string(text))\" is not a 24-digit lowercase hexadecimal id")
                    return nil
                }
            }, encode: { .string($0) })
    }

    /// This codec, keeping one copy of equal values (for values records repeat).
    func sharing() -> FieldCodec {
        let decode = self.decode
        return FieldCodec(
            type: self.type,
            decode: { reader, diagnostics, path throws(JSONSyntaxError) in
                try decode(&reader, &diagnostics, path).map { diagnostics.shared($0) }
            }, encode: self.encode)
    }

    /// A cluster name (`^[a-zA-Z0-9][a-zA-Z0-9-]*$`).
    static let clusterName = FieldCodec.string.checked(type: "cluster name") {
        Identifiers.isClusterName($0) ? nil : "\"\($0)\" does not match ^[a-zA-Z0-9][a-zA-Z0-9-]*$"
    }

    /// A restore target (`^[\p{L}\p{N}\-_.(),:&@+']{1,64}$`).
    static let deploymentItemName = FieldCodec.string.checked(type: "deployment name") {
        Identifiers.isDeploymentItemName($0) ? nil : "\"\($0)\" does not match ^[\\p{L}\\p{N}\\-_.(),:&@+']{1,64}$"
    }
}

extension FieldCodec where Value == Date {
    /// An RFC 3339 date-time; written as Atlas writes them (`2025-12-10T09:02:47Z`).
    static let date = FieldCodec(
        type: "date-time",
        decode: { reader, diagnostics, path throws(JSONSyntaxError) in
            try Self.expecting(.string, "a string", &reader, &diagnostics, path) { (reader, diagnostics) throws(JSONSyntaxError) in
                let text = try reader.readString()
                if let raw = reader.raw(text), let fast = AtlasDate.parseAtlasForm(raw) {
                    if let date = fast { return date }
                } else if let date = AtlasDate.parse(reader.string(text)) {
                    return date
                }
                diagnostics.error(path, "\"\(reader.string(text))\" is not an RFC 3339 date-time")
                return nil
            }
        }, encode: { .string(AtlasDate.format($0)) })
}

extension FieldCodec where Value == Bool {
    static let bool = FieldCodec(
        type: "boolean",
        decode: { reader, diagnostics, path throws(JSONSyntaxError) in
            try Self.expecting(.bool, "a boolean", &reader, &diagnostics, path) { (reader, diagnostics) throws(JSONSyntaxError) in
                try reader.readBool()
            }
        }, encode: { .bool($0) })
}

extension FieldCodec where Value == Int {
    /// An integer within `range` (JSON numbers such as `3` or `3.0`).
    static func integer(in range: ClosedRange<Int>) -> FieldCodec {
        FieldCodec(
            type: "integer",
            decode: { reader, diagnostics, path throws(JSONSyntaxError) in
                let found = try reader.kind()
                guard found == .number, let number = Double(reader.string(try reader.readNumber())),
                    number.rounded() == number, let integer = Int(exactly: number)
                else {
                    diagnostics.error(path, "expected an integer, found \(found.description)")
                    if found != .number { try reader.skipValue() }
                    return nil
                }
                guard range.contains(integer) else {
                    diagnostics.error(path, "\(integer) is out of range \(range.lowerBound)...\(range.upperBound)")
                    return nil
                }
                return integer
            }, encode: { .int($0) })
    }
}

extension FieldCodec where Value: RawRepresentable<String> & CaseIterable & Sendable {
    /// A value of a string enum, e.g. `status`, told by the token's bytes: a large fixture has a few in every
    /// record, and making each a `String` to look it up was 4% of decoding them.
    static var enumeration: FieldCodec {
        let names = Value.allCases.map(\.rawValue)
        let cases = Value.allCases.map { (utf8: Array($0.rawValue.utf8), value: $0) }
        return FieldCodec(
            type: names.map { "`\($0)`" }.joined(separator: "\\|"),
            decode: { reader, diagnostics, path throws(JSONSyntaxError) in
                try Self.expecting(.string, "a string", &reader, &diagnostics, path) { (reader, diagnostics) throws(JSONSyntaxError) in
                    let text = try reader.readString()
                    for candidate in cases where reader.text(text, equals: candidate.utf8) { return candidate.value }
                    diagnostics.error(path, "\"\(reader.string(text))\" is not one of \(names.joined(separator: ", "))")
                    return nil
                }
            }, encode: { .string($0.rawValue) })
    }
}

extension FieldCodec {
    /// An array of `element`s; nil when it is not an array or any element is invalid (each reported).
    static func array<Element>(of element: FieldCodec<Element>, type: String? = nil) -> FieldCodec where Value == [Element] {
        FieldCodec(
            type: type ?? "array of \(element.type)",
            decode: { reader, diagnostics, path throws(JSONSyntaxError) in
                try Self.expecting(.array, "an array", &reader, &diagnostics, path) { (reader, diagnostics) throws(JSONSyntaxError) in
                    var elements: [Element] = []
                    var valid = true
                    let path = path.flattened
                    try reader.readArray { reader, index throws(JSONSyntaxError) in
                        if let value = try element.decode(&reader, &diagnostics, path.element(index)) {
                            elements.append(value)
                        } else {
                            valid = false
                        }
                    }
                    return valid ? elements : nil
                }
            }, encode: { .array($0.map(element.encode)) })
    }

    /// A nested record of `schema`.
    static func record(_ schema: ResourceSchema<Value>, type: String) -> FieldCodec {
        FieldCodec(
            type: type,
            decode: { reader, diagnostics, path throws(JSONSyntaxError) in
                try schema.decode(&reader, at: path, &diagnostics)
            }, encode: { schema.encode($0) })
    }
}

extension FieldCodec where Value == [JSONValue] {
    /// Any array, accepted as it is (Atlas's `links`).
    static let anyArray = FieldCodec(
        type: "array",
        decode: { reader, diagnostics, path throws(JSONSyntaxError) in
            try Self.expecting(.array, "an array", &reader, &diagnostics, path) { (reader, diagnostics) throws(JSONSyntaxError) in
                try reader.skipValue()
                return []
            }
        }, encode: { .array($0) })
}

/// Records decoded from one JSON array, and where each came from (computed, not stored: see `FixtureLocation`).
struct LocatedRecords<Record: Sendable>: Sendable {
    var records: [Record] = []
    var source = ""
    /// The array's JSON path.
    var path = ""
    /// The array index of each record when some element was left out as invalid; nil when none was.
    var indices: [Int]?
    /// Fields the source names otherwise than the fixture format (a saved Flex job's `instanceName`), so errors
    /// name what the file says.
    var spelling: [String: String] = [:]

    /// Adds element `index` of the array, or notes that it was left out (nil: it was invalid).
    mutating func add(_ record: Record?, index: Int) {
        if let record {
            self.indices?.append(index)
            self.records.append(record)
        } else if self.indices == nil {
            self.indices = Array(0..<self.records.count)
        }
    }

    func location(at position: Int) -> FixtureLocation {
        FixtureLocation(
            source: self.source, parent: self.path, index: self.indices?[position] ?? position, spelling: self.spelling)
    }

    /// `(record, location)` pairs, for checks that need both; each location is made only when reached.
    var pairs: LazyMapSequence<Range<Int>, (Record, FixtureLocation)> {
        self.records.indices.lazy.map { (self.records[$0], self.location(at: $0)) }
    }
}

extension FieldCodec {
    /// An array of `schema` records; invalid records are left out (after reporting). When the enclosing schema
    /// stepped over the array while locating it (`JSONReader.arrayExtent`), the array is allocated once instead
    /// of doubling its way up, and a large one is decoded on all cores (`ResourceSchema+Concurrent`).
    static func records<Record>(_ schema: ResourceSchema<Record>, type: String) -> FieldCodec
    where Value == LocatedRecords<Record> {
        FieldCodec(
            type: type,
            decode: { reader, diagnostics, path throws(JSONSyntaxError) in
                let extent = reader.arrayExtent
                return try Self.expecting(.array, "an array", &reader, &diagnostics, path) { (reader, diagnostics) throws(JSONSyntaxError) in
                    let path = path.flattened
                    var located = LocatedRecords<Record>(source: diagnostics.source, path: path.description)
                    if let extent {
                        located.records.reserveCapacity(extent.elementStarts.count)
                        if schema.decodesConcurrently(extent, from: reader.index) {
                            try schema.decodeConcurrently(&reader, extent, at: path, into: &located, &diagnostics)
                            return located
                        }
                    }
                    try reader.readArray { reader, index throws(JSONSyntaxError) in
                        located.add(try schema.decode(&reader, at: path.element(index), &diagnostics), index: index)
                    }
                    return located
                }
            }, encode: { .array($0.records.map(schema.encode)) })
    }
}
