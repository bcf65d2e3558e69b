/// A JSON document as Atlas writes it: object keys are emitted in alphabetical order (Atlas serialises
/// with sorted keys), except where a caller builds an `orderedObject` to reproduce a body byte for byte.
enum JSONValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    /// A number written exactly as given (`5.0`), or as read from a request body.
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    /// Keys are sorted when written.
    case object([String: JSONValue])
    /// Keys are written in the given order (the 401 challenge body is not alphabetical).
    case orderedObject([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        case (.orderedObject(let a), .orderedObject(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }
}

extension JSONValue {
    /// Builds an object from optional members, dropping the absent ones: Atlas omits absent values rather than
    /// writing `null`.
    static func compactObject(_ members: [String: JSONValue?]) -> JSONValue {
        .object(members.compactMapValues { $0 })
    }
}
