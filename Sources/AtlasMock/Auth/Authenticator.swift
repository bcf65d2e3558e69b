import AtlasMockHTTP
import FoundationEssentials

/// Turns a request's `Authorization` header into a `Principal`, the two ways Atlas accepts: HTTP Digest with an
/// API key (RFC 7616, MD5, `qop=auth`) and Bearer tokens issued to service accounts. Anything else is the Digest
/// challenge, exactly as Atlas sends it: clients cannot tell missing credentials from wrong ones.
struct Authenticator: Sendable {
    static let realm = "MMS Public API"

    let mode: AtlasConfiguration.AuthMode
    let store: AtlasStore
    let nonces: NonceRegistry
    let tokens: TokenRegistry

    func authenticate(method: String, target: String, authorization: String?) throws(AtlasFailure) -> Principal {
        if self.mode == .off { return .unrestricted }
        // Byte-wise: a `Character` search and a lower-cased copy of the scheme showed in the benchmark profile.
        guard let authorization, let space = authorization.utf8.firstIndex(of: UInt8(ascii: " ")) else {
            throw .authenticationRequired(stale: false)
        }
        let scheme = authorization[..<space]
        let value = authorization[authorization.utf8.index(after: space)...]
        // Schemes are case-insensitive (RFC 9110 §11.1).
        if scheme.utf8.equalsIgnoringASCIICase("digest".utf8) {
            return try self.digest(method: method, target: target, value: value)
        }
        if scheme.utf8.equalsIgnoringASCIICase("bearer".utf8) {
            return try self.bearer(String(value.trimmingOptionalWhitespace()))
        }
        throw .authenticationRequired(stale: false)
    }

    private func digest(method: String, target: String, value: Substring) throws(AtlasFailure) -> Principal {
        guard let credentials = DigestCredentials(headerValue: value), credentials.realm == Self.realm,
            credentials.uri == target, credentials.algorithm.map({ $0.uppercased() == "MD5" }) ?? true,
            credentials.qop == "auth", let ncText = credentials.nc, ncText.utf8.count == 8,
            let count = UInt32(ncText, radix: 16), let cnonce = credentials.cnonce, !cnonce.isEmpty,
            let key = self.store.read({ $0.apiKeys[credentials.username] })
        else { throw .authenticationRequired(stale: false) }

        let ha1 = MD5.hex("\(key.publicKey):\(Self.realm):\(key.privateKey)")
        let ha2 = MD5.hex("\(method):\(credentials.uri)")
        let expected = MD5.hex("\(ha1):\(credentials.nonce):\(ncText):\(cnonce):auth:\(ha2)")
        guard expected == credentials.response.lowercased() else { throw .authenticationRequired(stale: false) }
        // Only a correct response earns `stale=true`: it proves the client knows the key, so retrying is safe.
        switch self.nonces.use(credentials.nonce, count: count) {
        case .fresh:
            return Principal(
                identity: .apiKey(publicKey: key.publicKey), orgId: key.orgId, roles: key.roles,
                accessList: key.accessList)
        case .stale: throw .authenticationRequired(stale: true)
        case .unknown, .replayed: throw .authenticationRequired(stale: false)
        }
    }

    private func bearer(_ token: String) throws(AtlasFailure) -> Principal {
        guard let clientId = self.tokens.clientId(for: token),
            let account = self.store.read({ $0.serviceAccounts[clientId] })
        else { throw .authenticationRequired(stale: false) }
        return Principal(
            identity: .serviceAccount(clientId: clientId), orgId: account.orgId, roles: account.roles,
            accessList: account.accessList)
    }

    /// The `WWW-Authenticate` value Atlas sends, byte for byte apart from the nonce.
    func challenge(stale: Bool) -> String {
        "Digest realm=\"\(Self.realm)\", domain=\"\", nonce=\"\(self.nonces.issue())\", algorithm=MD5, qop=\"auth\", stale=\(stale)"
    }
}
