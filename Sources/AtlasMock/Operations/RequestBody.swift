/// A JSON request body read into a record through a resource's view, checked the way Atlas checks bodies: not
/// JSON → `MALFORMED_JSON`; not an object → `INVALID_JSON`; an unknown attribute → `INVALID_ATTRIBUTE` ("rejected
/// rather than ignored"); a read-only one → `ATTRIBUTE_READ_ONLY`; a wrong type or pattern →
/// `INVALID_JSON_ATTRIBUTE`; a missing required one → `MISSING_ATTRIBUTE`. `null` counts as absent. Members are
/// checked in name order, so the error a body gets does not depend on how the client ordered its keys.
enum RequestBody {
    static func decode<Record>(_ bytes: [UInt8], as view: ResourceView<Record>, required: [String])
        throws(AtlasFailure) -> Record
    {
        guard !bytes.isEmpty, let document = try? JSONReader.document(bytes) else { throw .api(.malformedJSON) }
        guard case .orderedObject(let pairs) = document else { throw .api(.invalidJSON) }
        // A repeated name keeps its last value.
        var members: [String: JSONValue] = [:]
        for (name, value) in pairs { members[name] = value }
        var record = view.blank()
        var present: Set<String> = []
        for name in members.keys.sorted() {
            if view.readOnly.contains(name) { throw .api(.attributeReadOnly, .string(name)) }
            guard let field = view.writable[name] else { throw .api(.invalidAttribute, .string(name)) }
            let value = members[name]!
            if value == .null { continue }
            // The member is read by the field itself, from its own bytes: the same checks as fixtures get.
            let valid = JSONWriter.encode(value, style: .compact).withUnsafeBufferPointer { buffer -> Bool in
                guard var reader = try? JSONReader(buffer) else { return false }
                var diagnostics = FixtureDiagnostics(source: "request body")
                let decoded = (try? field.decode(&reader, &record, &diagnostics, JSONPath("$").member(name))) ?? false
                return decoded && diagnostics.errors.isEmpty
            }
            guard valid else { throw .api(.invalidJSONAttribute, .string(name)) }
            present.insert(name)
        }
        for name in required where !present.contains(name) {
            throw .api(.missingAttribute, .string(name))
        }
        return record
    }
}
