import AtlasMockHTTP
import FoundationEssentials

/// One Atlas API operation: the versions it exists in, whether it is deprecated, and what it does.
struct Operation: Sendable {
    /// The legacy operationId, shown in the request journal.
    let name: String
    let versions: [APIVersion]
    let deprecated: Bool
    let run: @Sendable (OperationContext) throws(AtlasFailure) -> OperationResult
}

/// What an operation sees of a request, already authenticated and version-resolved.
struct OperationContext {
    let request: HTTPServerRequest
    let parameters: [String: String]
    let query: QueryParameters
    let principal: Principal
    let now: Date
    /// `scheme://host[:port]` that links start with.
    let baseURL: String
    /// Jobs this request creates end `FAILED` instead of `COMPLETED` (a `failRestoreJobs` fault rule).
    let failsCreatedJobs: Bool
    let atlas: FakeAtlas

    /// The absolute URL of the request's path, for `self` links.
    var resourceURL: String { self.baseURL + self.request.path }

    func parameter(_ name: String) -> String { self.parameters[name] ?? "" }
}

/// What an operation answers on success; `FakeAtlas` renders it (envelope, pretty, headers).
enum OperationResult {
    /// A single entity; `envelope=true` wraps it as `{"content": …, "status": 200}`.
    case entity(JSONValue)
    /// A list object (`links`, `results`, `totalCount`); `envelope=true` adds `"status": 200` to it.
    case list([String: JSONValue])
}
