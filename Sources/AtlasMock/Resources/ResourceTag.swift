/// A `{key, value}` tag on a project or cluster (`ResourceTag`: both 1–255 characters).
public struct ResourceTag: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    var json: JSONValue { .object(["key": .string(self.key), "value": .string(self.value)]) }

    private static let text = FieldCodec.string.checked(type: "string (1–255)") {
        (1...255).contains($0.count) ? nil : "must be 1 to 255 characters"
    }

    static let schema = ResourceSchema<ResourceTag>(
        "tags", blank: { ResourceTag(key: "", value: "") },
        fields: [
            .required("key", \.key, Self.text, "1–255 characters"),
            .required("value", \.value, Self.text, "1–255 characters"),
        ])

    /// `tags` of projects and clusters: an array of `{key, value}`.
    static let list = FieldCodec.array(of: .record(Self.schema, type: "tag"), type: "array of `{key, value}`")
}
