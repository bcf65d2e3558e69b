import AtlasMock
import Foundation

/// The client half of HTTP Digest (RFC 7616, `qop=auth`, MD5) as the Atlas clients compute it, for tests that
/// sign requests themselves: over curl runs that cannot answer a challenge, over raw sockets, in process. It signs
/// with the server's own MD5, which the RFC 1321 vectors in AuthenticationTests check.
package enum DigestClient {
    package static let realm = "MMS Public API"
    /// A fixed client nonce: tests want reproducible requests, and the server only checks the response hash.
    package static let cnonce = "0a4f113b0a4f113b"

    /// The `nonce` of a `WWW-Authenticate: Digest …` challenge.
    package static func nonce(in challenge: String) -> String? {
        guard let start = challenge.range(of: "nonce=\"") else { return nil }
        let rest = challenge[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The `Authorization` value for `method uri` signed with `nonce` and nonce count `nc`.
    package static func authorization(
        method: String, uri: String, user: String, password: String, nonce: String, nc: Int = 1,
        cnonce: String = Self.cnonce, realm: String = Self.realm
    ) -> String {
        let ncText = String(format: "%08x", nc)
        let ha1 = MD5.hex("\(user):\(realm):\(password)")
        let ha2 = MD5.hex("\(method):\(uri)")
        let response = MD5.hex("\(ha1):\(nonce):\(ncText):\(cnonce):auth:\(ha2)")
        return "Digest username=\"\(user)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", "
            + "response=\"\(response)\", algorithm=\"MD5\", qop=auth, nc=\(ncText), cnonce=\"\(cnonce)\""
    }
}
