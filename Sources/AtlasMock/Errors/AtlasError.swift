import HTTPTypes
/// A parameter of an `ApiError` body: Atlas sends strings and numbers.
public enum AtlasErrorParameter: Sendable, Equatable {
    case string(String)
    case int(Int)

    var json: JSONValue {
        switch self {
        case .string(let value): return .string(value)
        case .int(let value): return .int(value)
        }
    }

    var text: String {
        switch self {
        case .string(let value): return value
        case .int(let value): return String(value)
        }
    }
}

/// Every way a request can fail that Atlas answers with a documented payload. Thrown anywhere below the
/// handler and turned into a response in exactly one place, `ResponseRenderer.failure`.
enum AtlasFailure: Error {
    /// An `ApiError` body from the catalog. `headers` are extra response headers (e.g. `Retry-After`).
    case api(AtlasErrorCode, [AtlasErrorParameter], headers: [HTTPField] = [])
    /// The Digest challenge: 401 with `WWW-Authenticate` and Atlas's pretty, non-alphabetical body.
    case authenticationRequired(stale: Bool)
    /// 405 with an empty body and `Allow`.
    case methodNotAllowed(allowed: [String])
    /// OAuth endpoints answer in OAuth's own shape (`{"error_description","error"}`).
    case oauth(status: Int, error: String, description: String)

    static func api(_ code: AtlasErrorCode, _ parameters: AtlasErrorParameter...) -> AtlasFailure {
        .api(code, parameters, headers: [])
    }
}

extension AtlasErrorCode {
    /// The `ApiError` document for this code: `detail`, `error`, `errorCode`, `parameters`, `reason`.
    func body(_ parameters: [AtlasErrorParameter]) -> JSONValue {
        var detail = ""
        var remaining = parameters[...]
        var template = self.detailTemplate[...]
        while let range = template.firstRange(of: "%s") {
            detail += template[..<range.lowerBound]
            detail += remaining.popFirst()?.text ?? ""
            template = template[range.upperBound...]
        }
        detail += template
        return .object([
            "detail": .string(detail),
            "error": .int(self.status),
            "errorCode": .string(self.rawValue),
            "parameters": .array(parameters.map(\.json)),
            "reason": .string(self.reason),
        ])
    }
}
