import AtlasMockTestSupport
import Foundation
import Testing

/// How the token endpoint authenticates a client, as Atlas declares it: `client_secret_basic` only, with the
/// credentials used as given.
@Suite("OAuth client authentication", .timeLimit(.minutes(1)))
struct OAuthClientAuthenticationTests {
    static let invalidClient = #"{"error_description":"Invalid credentials provided.","error":"invalid_client"}"#

    static func token(_ url: String, _ arguments: [String]) async throws -> ClientResponse {
        try await Client.curl(.http1, "POST", url + "/api/oauth/token", arguments)
    }

    /// MongoDB's MCP server builds the Basic header from the raw `clientId:clientSecret` and calls a library that
    /// form-encodes them first (`_` as `%5F`, RFC 6749 §2.3.1) wrong for Atlas: the encoded pair is not the
    /// account's credentials.
    @Test func basicCredentialsAreUsedAsGivenNotFormDecoded() async throws {
        try await withAtlasMock { server in
            let raw = try await Self.token(
                server.url, ["--user", "mdb_sa_id_mock:mdb_sa_sk_mock", "--data", "grant_type=client_credentials"])
            #expect(raw.status == 200, "\(raw)")
            let encoded = try await Self.token(
                server.url,
                ["--user", "mdb%5Fsa%5Fid%5Fmock:mdb%5Fsa%5Fsk%5Fmock", "--data", "grant_type=client_credentials"])
            #expect(encoded.status == 401, "\(encoded)")
            #expect(encoded.body == Self.invalidClient)
        }
    }

    /// `client_secret_post` is not among the methods Atlas declares: credentials in the form body are no client
    /// authentication at all.
    @Test func credentialsInTheBodyAreInvalidClient() async throws {
        try await withAtlasMock { server in
            let response = try await Self.token(
                server.url,
                ["--data", "grant_type=client_credentials&client_id=mdb_sa_id_mock&client_secret=mdb_sa_sk_mock"])
            #expect(response.status == 401, "\(response)")
            #expect(response.body == Self.invalidClient)
            #expect(response.header("Content-Type") == "application/json")
        }
    }
}
