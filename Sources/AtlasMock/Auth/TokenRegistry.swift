import FoundationEssentials
import Synchronization

/// OAuth access tokens issued to service accounts. Tokens look like JWTs (clients only pass them along),
/// but are opaque to us: a token is valid only if this registry issued it, it has not expired on the mock
/// clock, and it was not revoked. A reset forgets every token.
final class TokenRegistry: Sendable {
    struct Grant: Sendable {
        var clientId: String
        var expires: Date
    }

    /// One hour, as Atlas documents.
    static let lifetime: TimeInterval = 3600

    /// Invariant: only mutated under the lock; expired grants are dropped whenever a token is issued.
    private let grants = Mutex<[String: Grant]>([:])
    private let clock: MockClock

    init(clock: MockClock) {
        self.clock = clock
    }

    func issue(to clientId: String) -> String {
        let now = self.clock.now()
        let issuedAt = Int(now.timeIntervalSince1970)
        let header = Self.base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = Self.base64URL(
            Array(
                #"{"aud":"apiAtlas","exp":\#(issuedAt + Int(Self.lifetime)),"iat":\#(issuedAt),"iss":"atlas-mock","sub":"\#(clientId)"}"#
                    .utf8))
        let signature = Self.base64URL((0..<32).map { _ in UInt8.random(in: 0...255) })
        let token = "\(header).\(payload).\(signature)"
        self.grants.withLock { grants in
            grants = grants.filter { $0.value.expires > now }
            grants[token] = Grant(clientId: clientId, expires: now.addingTimeInterval(Self.lifetime))
        }
        return token
    }

    /// The client the token was issued to, if it is still valid.
    func clientId(for token: String) -> String? {
        let now = self.clock.now()
        return self.grants.withLock { grants in
            guard let grant = grants[token], grant.expires > now else { return nil }
            return grant.clientId
        }
    }

    /// Revokes `token` if it belongs to `clientId`; other clients' tokens are left alone.
    func revoke(_ token: String, by clientId: String) {
        self.grants.withLock { grants in
            if grants[token]?.clientId == clientId { grants[token] = nil }
        }
    }

    func removeAll() {
        self.grants.withLock { $0.removeAll() }
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }
}
