import AtlasMockHTTP
import HTTPTypes

/// Why an admin request failed. Admin errors are plain `{"error": "…"}` (plus `errors` for fixture problems),
/// never Atlas-shaped, so they cannot be mistaken for the fake's Atlas answers.
struct AdminFailure: Error {
    var status: Int
    var message: String
    var errors: [String] = []
    var allow: [String] = []

    static func notFound(_ method: String, _ path: Substring) -> AdminFailure {
        AdminFailure(status: 404, message: "no admin route \(method) \(path) (see the README's admin API section)")
    }

    static func badRequest(_ message: String) -> AdminFailure {
        AdminFailure(status: 400, message: message)
    }

    static func rejected(_ errors: FixtureErrors, what: String) -> AdminFailure {
        let count = errors.errors.count
        return AdminFailure(
            status: 400, message: "\(what) rejected: \(count) error\(count == 1 ? "" : "s"); nothing was applied",
            errors: errors.errors.map(\.description))
    }

    /// The one place an admin failure becomes a response.
    var response: HTTPServerResponse {
        var response = HTTPServerResponse.adminJSON(
            self.status,
            .compactObject([
                "error": .string(self.message),
                "errors": self.errors.isEmpty ? nil : .array(self.errors.map { .string($0) }),
            ]))
        if !self.allow.isEmpty { response.head.headerFields[.allow] = self.allow.joined(separator: ", ") }
        return response
    }
}
