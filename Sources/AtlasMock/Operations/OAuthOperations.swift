import AtlasMockHTTP
import FoundationEssentials
import HTTPTypes

/// The OAuth 2.0 endpoints service accounts use: `POST /api/oauth/token` (client credentials grant) and
/// `POST /api/oauth/revoke`. Their errors use OAuth's shape (`error`, `error_description`), not `ApiError`.
enum OAuthOperations {
    static func token(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let clientId = try Self.client(context)
        let form = try Self.formParameters(context.request.body)
        guard let grant = form.value("grant_type") else {
            throw .oauth(status: 400, error: "invalid_request", description: "Missing grant_type parameter.")
        }
        guard grant == "client_credentials" else {
            throw .oauth(status: 400, error: "unsupported_grant_type", description: "Unsupported grant type: \(grant).")
        }
        let token = context.services.tokens.issue(to: clientId)
        let body = JSONValue.object([
            "access_token": .string(token), "expires_in": .int(Int(TokenRegistry.lifetime)),
            "token_type": .string("Bearer"),
        ])
        return OperationResult(
            body: .response(
                HTTPServerResponse(
                    status: .ok, headerFields: [.contentType: "application/json", .cacheControl: "no-store"],
                    body: JSONWriter.encode(body, style: .compact))))
    }

    static func revoke(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let clientId = try Self.client(context)
        let form = try Self.formParameters(context.request.body)
        guard let token = form.value("token"), !token.isEmpty else {
            throw .oauth(status: 400, error: "invalid_request", description: "Missing token parameter.")
        }
        context.services.tokens.revoke(token, by: clientId)
        return OperationResult(body: .response(HTTPServerResponse(status: .ok)))
    }

    /// The client id of the service account named by the request's Basic client credentials (`client_secret_basic`,
    /// the only client authentication Atlas declares), compared as sent, never form-decoded. Under `--auth off`
    /// any Basic pair is a client.
    private static func client(_ context: OperationContext) throws(AtlasFailure) -> String {
        let invalid = AtlasFailure.oauth(status: 401, error: "invalid_client", description: "Invalid credentials provided.")
        guard let authorization = context.request.head.headerFields[.authorization],
            authorization.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(authorization.dropFirst(6).trimmingOptionalWhitespace())),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { throw invalid }
        let clientId = String(text[..<colon])
        let secret = String(text[text.index(after: colon)...])
        if context.settings.authMode == .off { return clientId }
        guard let account = context.store.read({ $0.serviceAccounts[clientId] }), account.clientSecret == secret else {
            throw invalid
        }
        return account.clientId
    }

    private static func formParameters(_ body: [UInt8]) throws(AtlasFailure) -> QueryParameters {
        guard let text = String(validating: body, as: UTF8.self) else {
            throw .oauth(status: 400, error: "invalid_request", description: "The request body is not valid UTF-8.")
        }
        do {
            return try QueryParameters(rawQuery: text[...])
        } catch {
            throw .oauth(status: 400, error: "invalid_request", description: "The request body is not a valid form.")
        }
    }
}
