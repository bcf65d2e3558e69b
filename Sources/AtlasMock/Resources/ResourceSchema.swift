/// One declaration per resource: the fields of a record as JSON names them, each with its type, whether it is
/// required or read-only, and how it is read and written. From it come fixture decoding (every error with its
/// JSON path, all at once), the `/__admin/state` dump, request-body checks, the API representation
/// (`ResourceView`) and the field tables of `fixtures/FORMAT.md` (checked by a test).
struct ResourceSchema<Record>: Sendable {
    /// What FORMAT.md calls a record, e.g. `tenantRestoreJobs`.
    let name: String
    /// In the order errors are reported: required identity fields first, then the rest.
    let fields: [ResourceField<Record>]
    let blank: @Sendable () -> Record
    /// Rules across fields, run after every field was read: false drops the record (after reporting why).
    let check: (@Sendable (inout Record, FieldPresence, inout FixtureDiagnostics, JSONPath) -> Bool)?

    init(
        _ name: String, blank: @escaping @Sendable () -> Record, fields: [ResourceField<Record>],
        check: (@Sendable (inout Record, FieldPresence, inout FixtureDiagnostics, JSONPath) -> Bool)? = nil
    ) {
        self.name = name
        self.blank = blank
        self.fields = fields
        self.check = check
    }

    /// `a, b, c`: for "unknown field" messages.
    var fieldList: String { self.fields.map(\.name).joined(separator: ", ") }

    /// Reads the object at the reader into a record. Members are first located, then read in declaration order,
    /// so errors come in a stable order and a field's reader may use fields declared before it. Nil when the
    /// value is not an object, a required field is missing or invalid, or `check` refused it.
    func decode(_ reader: inout JSONReader, at path: JSONPath, _ diagnostics: inout FixtureDiagnostics)
        throws(JSONSyntaxError) -> Record?
    {
        guard let members = try self.locate(&reader, at: path, &diagnostics) else { return nil }
        return try self.read(members, &reader, at: path, &diagnostics)
    }

    /// Steps over the object at the reader (checking its syntax), noting where each declared member's value
    /// starts and reporting unknown and repeated members. Nil when the value is not an object (reported).
    func locate(_ reader: inout JSONReader, at path: JSONPath, _ diagnostics: inout FixtureDiagnostics)
        throws(JSONSyntaxError) -> LocatedMembers?
    {
        let kind = try reader.kind()
        guard kind == .object else {
            diagnostics.error(path, "expected an object, found \(kind.description)")
            try reader.skipValue()
            return nil
        }
        var members = [LocatedMembers.Member?](repeating: nil, count: self.fields.count)
        var unknown: [JSONText] = []
        // Atlas writes members alphabetically, like most schemas here, so the next name is usually the match.
        var cursor = 0
        try reader.readObject { reader, key throws(JSONSyntaxError) in
            var found: Int?
            for step in 0..<self.fields.count {
                let candidate = (cursor + step) % self.fields.count
                if reader.text(key, equals: self.fields[candidate].utf8) {
                    found = candidate
                    break
                }
            }
            guard let found else {
                diagnostics.error(path.member(reader.string(key)), "unknown field (expected one of: \(self.fieldList))")
                unknown.append(key)
                try reader.skipValue()
                return
            }
            // A repeated member is reported; its last value is the one read.
            if members[found] != nil { diagnostics.error(path.member(self.fields[found].name), "duplicate field") }
            let start = reader.index
            cursor = found + 1
            // What stepping over the value learns is kept, so reading it does not scan it again.
            switch try reader.kind() {
            case .array: members[found] = LocatedMembers.Member(start: start, known: .array(try reader.skipArray()))
            case .string: members[found] = LocatedMembers.Member(start: start, known: .string(try reader.readString()))
            default:
                members[found] = LocatedMembers.Member(start: start, known: nil)
                try reader.skipValue()
            }
        }
        return LocatedMembers(members: members, unknown: unknown, end: reader.index)
    }

    /// Reads the members `locate` found into a record, in declaration order, and leaves the reader after the
    /// object.
    func read(_ located: LocatedMembers, _ reader: inout JSONReader, at path: JSONPath,
        _ diagnostics: inout FixtureDiagnostics) throws(JSONSyntaxError) -> Record?
    {
        var record = self.blank()
        var complete = true
        for (index, field) in self.fields.enumerated() {
            guard let member = located.members[index] else {
                if field.required {
                    diagnostics.error(path.member(field.name), "missing required field")
                    complete = false
                }
                continue
            }
            reader.index = member.start
            reader.known = member.known
            defer { reader.known = nil }
            if try !field.decode(&reader, &record, &diagnostics, path.member(field.name)), field.required {
                complete = false
            }
        }
        reader.index = located.end
        if let check = self.check {
            let presence = FieldPresence(schema: self.fields.map(\.name), present: located.members.map { $0 != nil })
            if !check(&record, presence, &diagnostics, path) { complete = false }
        }
        return complete ? record : nil
    }

    /// The record in the fixture format (alphabetical keys, absent values omitted): what `/__admin/state` dumps.
    func encode(_ record: Record) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for field in self.fields {
            if let value = field.encode?(record) { members[field.name] = value }
        }
        return .object(members)
    }

    /// This schema's table for `fixtures/FORMAT.md`.
    var documentation: String {
        var lines = ["| `\(self.name)` field | type | required | meaning |", "|---|---|---|---|"]
        for field in self.fields.sorted(by: { $0.name < $1.name }) {
            lines.append("| `\(field.name)` | \(field.type) | \(field.required ? "yes" : "no") | \(field.summary) |")
        }
        return lines.joined(separator: "\n")
    }
}

/// Where the members of one object lie, as `ResourceSchema.locate` found them.
struct LocatedMembers {
    struct Member {
        /// Where the value starts.
        var start: Int
        /// What stepping over the value learnt (an array's extent, a string's token).
        var known: JSONKnownValue?
    }

    /// Per declared field, in declaration order; nil when absent.
    fileprivate var members: [Member?]
    /// The names of members the schema does not declare (already reported as unknown).
    let unknown: [JSONText]
    /// Where the object ends.
    fileprivate var end: Int
}

/// Which members an object had, for rules across fields.
struct FieldPresence {
    let schema: [String]
    let present: [Bool]

    func callAsFunction(_ name: String) -> Bool {
        self.schema.firstIndex(of: name).map { self.present[$0] } ?? false
    }
}

/// One field of a resource. A class: decoding reads every field of every record, and copying a struct of six
/// references retained and released each of them (an eighth of a large fixture's load time).
final class ResourceField<Record>: Sendable {
    let name: String
    let utf8: [UInt8]
    /// How FORMAT.md names the type.
    let type: String
    let required: Bool
    /// Atlas computes it: clients may not set it in request bodies (`ATTRIBUTE_READ_ONLY`).
    let readOnly: Bool
    let summary: String
    /// Reads the value at the reader into the record; false when it was invalid (already reported).
    let decode: @Sendable (inout JSONReader, inout Record, inout FixtureDiagnostics, JSONPath) throws(JSONSyntaxError) -> Bool
    /// The value in the fixture format; nil when absent. A nil closure: never written (accepted and ignored).
    let encode: (@Sendable (Record) -> JSONValue?)?

    init(
        name: String, utf8: [UInt8], type: String, required: Bool, readOnly: Bool, summary: String,
        decode: @escaping @Sendable (inout JSONReader, inout Record, inout FixtureDiagnostics, JSONPath) throws(JSONSyntaxError) -> Bool,
        encode: (@Sendable (Record) -> JSONValue?)?
    ) {
        self.name = name
        self.utf8 = utf8
        self.type = type
        self.required = required
        self.readOnly = readOnly
        self.summary = summary
        self.decode = decode
        self.encode = encode
    }

    /// A field every record has.
    static func required<Value>(
        _ name: String, _ keyPath: WritableKeyPath<Record, Value> & Sendable, _ codec: FieldCodec<Value>,
        readOnly: Bool = false, _ summary: String
    ) -> ResourceField {
        .always(name, keyPath, codec, required: true, readOnly: readOnly, summary)
    }

    /// A field that may be absent (and is then omitted, never written as `null`).
    static func optional<Value>(
        _ name: String, _ keyPath: WritableKeyPath<Record, Value?> & Sendable, _ codec: FieldCodec<Value>,
        readOnly: Bool = false, _ summary: String
    ) -> ResourceField {
        .stored(name, codec, required: false, readOnly: readOnly, summary, set: { $0[keyPath: keyPath] = $1 }) {
            $0[keyPath: keyPath].map(codec.encode)
        }
    }

    /// A field every record has, but fixtures may leave out (the record's own default stays; always written).
    static func defaulted<Value>(
        _ name: String, _ keyPath: WritableKeyPath<Record, Value> & Sendable, _ codec: FieldCodec<Value>,
        readOnly: Bool = false, _ summary: String
    ) -> ResourceField {
        .always(name, keyPath, codec, required: false, readOnly: readOnly, summary)
    }

    private static func always<Value>(
        _ name: String, _ keyPath: WritableKeyPath<Record, Value> & Sendable, _ codec: FieldCodec<Value>,
        required: Bool, readOnly: Bool, _ summary: String
    ) -> ResourceField {
        .stored(name, codec, required: required, readOnly: readOnly, summary, set: { $0[keyPath: keyPath] = $1 }) {
            codec.encode($0[keyPath: keyPath])
        }
    }

    private static func stored<Value>(
        _ name: String, _ codec: FieldCodec<Value>, required: Bool, readOnly: Bool, _ summary: String,
        set: @escaping @Sendable (inout Record, Value) -> Void, encode: @escaping @Sendable (Record) -> JSONValue?
    ) -> ResourceField {
        ResourceField(
            name: name, utf8: Array(name.utf8), type: codec.type, required: required, readOnly: readOnly,
            summary: summary,
            decode: { reader, record, diagnostics, path throws(JSONSyntaxError) in
                guard let value = try codec.decode(&reader, &diagnostics, path) else { return false }
                set(&record, value)
                return true
            }, encode: encode)
    }

    /// A field that is checked but not kept: Atlas's `links`, derived again whenever a record is served.
    static func ignored<Value>(_ name: String, _ codec: FieldCodec<Value>, readOnly: Bool = true, _ summary: String)
        -> ResourceField
    {
        ResourceField(
            name: name, utf8: Array(name.utf8), type: codec.type, required: false, readOnly: readOnly, summary: summary,
            decode: { reader, _, diagnostics, path throws(JSONSyntaxError) in
                try codec.decode(&reader, &diagnostics, path) != nil
            },
            encode: nil)
    }
}

/// Where decoded records came from, and every problem found while reading one source.
struct FixtureDiagnostics {
    let source: String
    private(set) var errors: [FixtureError] = []
    /// Values that repeat across records (the ids and names records refer to), kept once: a fixture of 300,000
    /// jobs of one project would otherwise hold 300,000 copies of its id. Bounded, so it cannot grow without limit.
    private var sharedValues: [String: String] = [:]
    private static let sharedValueLimit = 65_536
    /// The last few values shared: records repeat the same few ids one after another, and comparing with these
    /// is cheaper than hashing each one.
    private var recentValues: [String] = []
    private var nextRecent = 0
    private static let recentLimit = 4

    init(source: String) {
        self.source = source
    }

    mutating func error(_ path: JSONPath, _ message: String) {
        self.errors.append(FixtureError(source: self.source, path: path.description, message: message))
    }

    /// Errors reported elsewhere (a chunk of a large array decoded apart: `ResourceSchema+Concurrent`), in order.
    mutating func append(_ errors: [FixtureError]) {
        self.errors += errors
    }

    /// The errors reported so far, which are then no longer held here.
    mutating func takeErrors() -> [FixtureError] {
        defer { self.errors = [] }
        return self.errors
    }

    func location(_ path: String) -> FixtureLocation {
        FixtureLocation(source: self.source, path: path)
    }

    /// `value`, sharing the storage of an equal value read before.
    mutating func shared(_ value: String) -> String {
        if let recent = self.recentValues.first(where: { $0 == value }) { return recent }
        return self.remember(value)
    }

    /// The string a token denotes, sharing the storage of an equal value read before; one of the last few is
    /// found by the token's bytes, without making a string of them first.
    mutating func shared(_ text: JSONText, in reader: JSONReader) -> String {
        if let recent = self.recentValues.first(where: { reader.text(text, equals: $0) }) { return recent }
        return self.remember(reader.string(text))
    }

    /// `value`, or an equal value kept before, now among the last few shared.
    private mutating func remember(_ value: String) -> String {
        let known: String
        if let stored = self.sharedValues[value] {
            known = stored
        } else {
            known = value
            if self.sharedValues.count < Self.sharedValueLimit { self.sharedValues[value] = value }
        }
        if self.recentValues.count < Self.recentLimit {
            self.recentValues.append(known)
        } else {
            self.recentValues[self.nextRecent] = known
            self.nextRecent = (self.nextRecent + 1) % Self.recentLimit
        }
        return known
    }
}
