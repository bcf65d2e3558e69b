import FoundationEssentials

/// The `Group` JSON as recorded from Atlas: alphabetical keys; seven links on a single project, only `self` in
/// list items; `tags` absent from a create answer when none were sent, `[]` or the list otherwise;
/// `regionUsageRestrictions` never (commercial cloud); `withDefaultAlertsSettings` true.
enum GroupRepresentation {
    enum Form {
        /// The answer to `createGroup`: `tags` only when the request sent some.
        case created(tagsSent: Bool)
        /// `getGroup`, `getGroupByName`.
        case single
        /// An item of `listGroups`.
        case listItem
    }

    /// The relations of a project's links after `self`, in Atlas's order.
    static let relatedResources = ["containers", "clusters", "databaseUsers", "peers", "processes", "whitelist"]

    static func json(
        id: String, name: String, orgId: String, created: Date, tags: [ResourceTag], clusterCount: Int,
        baseURL: String, form: Form
    ) -> JSONValue {
        let selfURL = "\(baseURL)/api/atlas/v2/groups/\(id)"
        var links: [JSONValue] = [Self.link(selfURL, rel: "self")]
        if case .listItem = form {
        } else {
            links += Self.relatedResources.map { Self.link("\(selfURL)/\($0)", rel: "https://cloud.mongodb.com/\($0)") }
        }
        var members: [String: JSONValue] = [
            "clusterCount": .int(clusterCount),
            "created": .string(AtlasDate.format(created)),
            "id": .string(id),
            "links": .array(links),
            "name": .string(name),
            "orgId": .string(orgId),
            "withDefaultAlertsSettings": .bool(true),
        ]
        if case .created(tagsSent: false) = form {
        } else {
            members["tags"] = .array(tags.map(\.json))
        }
        return .object(members)
    }

    static func link(_ href: String, rel: String) -> JSONValue {
        .object(["href": .string(href), "rel": .string(rel)])
    }
}
