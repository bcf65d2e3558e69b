/// How the API shows a resource: the schema's fields under the names one API uses, in Atlas's alphabetical order,
/// absent values omitted, and optionally the `self` link Atlas documents for entities. Lists of 100 jobs are the
/// hot path, so the order is worked out once here, not per record.
struct ResourceView<Record>: Sendable {
    private enum Member: Sendable {
        case field(String, @Sendable (Record) -> JSONValue?)
        case links
    }

    private let members: [Member]
    /// The names a request body may use, and which of them are read-only (`RequestBody`).
    let writable: [String: ResourceField<Record>]
    let readOnly: Set<String>
    let blank: @Sendable () -> Record

    init(schema: ResourceSchema<Record>, renaming: [String: String], including: Set<String>?, links: Bool) {
        self.blank = schema.blank
        var named: [(String, Member)] = []
        var writable: [String: ResourceField<Record>] = [:]
        var readOnly: Set<String> = []
        for field in schema.fields where including?.contains(field.name) ?? true {
            let name = renaming[field.name] ?? field.name
            if field.readOnly { readOnly.insert(name) } else { writable[name] = field }
            if let encode = field.encode { named.append((name, .field(name, encode))) }
        }
        if links { named.append(("links", .links)) }
        self.members = named.sorted { $0.0 < $1.0 }.map(\.1)
        self.writable = writable
        self.readOnly = readOnly
    }

    /// The record as this API shows it; `selfURL` fills `links` when the view has them.
    func render(_ record: Record, selfURL: String? = nil) -> JSONValue {
        var output: [(String, JSONValue)] = []
        output.reserveCapacity(self.members.count)
        for member in self.members {
            switch member {
            case .field(let name, let encode): if let value = encode(record) { output.append((name, value)) }
            case .links: if let selfURL { output.append(("links", .selfLink(selfURL))) }
            }
        }
        return .orderedObject(output)
    }
}

extension ResourceSchema {
    /// A view under the names one API uses; `including` limits it to some fields (a request body's schema).
    func view(renaming: [String: String] = [:], including: Set<String>? = nil, links: Bool) -> ResourceView<Record> {
        ResourceView(schema: self, renaming: renaming, including: including, links: links)
    }
}

extension JSONValue {
    /// `[{"href": url, "rel": "self"}]`, the `links` of an entity.
    static func selfLink(_ url: String) -> JSONValue {
        .array([.orderedObject([("href", .string(url)), ("rel", .string("self"))])])
    }
}
