import AtlasMockHTTP
import HTTPTypes

/// The admin API beside the Atlas API, with its own router. Its errors are plain `{"error": "…"}` (see
/// `AdminFailure`), never Atlas-shaped.
struct AdminAPI: Sendable {
    static let prefix = "/__admin"

    private let router: Router<AdminRoute>
    private let adminToken: String?

    init(services: AdminServices, adminToken: String?) {
        self.router = Router(Self.routes(services))
        self.adminToken = adminToken
    }

    /// Asked of every request, so on bytes: `hasPrefix` on a Substring compares Characters.
    static func handles(_ path: Substring) -> Bool {
        let bytes = path.utf8
        guard bytes.starts(with: Self.prefix.utf8) else { return false }
        let rest = bytes.dropFirst(Self.prefix.utf8.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "/")
    }

    func respond(to request: HTTPServerRequest) -> HTTPServerResponse {
        do throws(AdminFailure) {
            // Health stays open so container checks need no token.
            if request.path != Self.prefix + "/health" { try self.checkToken(request) }
            switch self.router.match(method: request.head.method, path: request.path) {
            case .route(let route, let parameters):
                return try route.run(AdminRequest(request: request, parameters: parameters))
            case .methodNotAllowed(let allowed, _):
                throw AdminFailure(
                    status: 405,
                    message:
                        "\(request.head.method.rawValue) is not allowed on \(request.path); use \(allowed.joined(separator: " or "))",
                    allow: allowed)
            case .notFound:
                throw AdminFailure.notFound(request.head.method.rawValue, request.path)
            }
        } catch {
            return error.response
        }
    }

    private func checkToken(_ request: HTTPServerRequest) throws(AdminFailure) {
        guard let token = self.adminToken else { return }
        guard request.head.headerFields[.authorization] == "Bearer " + token else {
            throw AdminFailure(
                status: 401, message: "the admin API needs the header Authorization: Bearer <admin token>")
        }
    }
}
