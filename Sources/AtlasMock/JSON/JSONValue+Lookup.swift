/// Reading members out of a parsed document (`JSONReader.document`), for code that picks a few fields from bodies
/// it did not write, such as the recording import.
extension JSONValue {
    /// An object's members in document order; nil for other values.
    var orderedMembers: [(String, JSONValue)]? {
        switch self {
        case .orderedObject(let members): return members
        case .object(let members): return members.sorted { $0.key < $1.key }
        default: return nil
        }
    }

    var string: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    var elements: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// The `href` of the `self` link in `links`, which names the resource's path (lists and tenant entities).
    var selfLink: String? {
        self["links"].flatMap(Self.selfHref)
    }

    /// The `href` of the `self` link in a `links` array.
    static func selfHref(in links: JSONValue) -> String? {
        links.elements?.first { $0["rel"]?.string == "self" }?["href"]?.string
    }
}
