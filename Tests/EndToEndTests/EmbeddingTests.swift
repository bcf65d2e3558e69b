import AtlasMock
import AtlasMockTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The README's embedding example: start the fake in-process on port 0, call it with URLSession, stop it.
@Suite("Embedding AtlasMockServer", .timeLimit(.minutes(1)))
struct EmbeddingTests {
    /// URLSession on Linux does not answer Digest challenges, so this uses the service account's Bearer flow.
    @Test func startServeAndStop() async throws {
        var configuration = AtlasConfiguration()
        configuration.server.port = 0
        let server = try AtlasMockServer.start(configuration: configuration)
        defer { server.stop() }
        #expect(server.url.hasPrefix("http://127.0.0.1:"))

        let session = URLSession(configuration: .ephemeral)
        defer { session.invalidateAndCancel() }
        var tokenRequest = URLRequest(url: URL(string: server.url + "/api/oauth/token")!)
        tokenRequest.httpMethod = "POST"
        tokenRequest.setValue(
            "Basic " + Data("mdb_sa_id_mock:mdb_sa_sk_mock".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        tokenRequest.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        tokenRequest.httpBody = Data("grant_type=client_credentials".utf8)
        let (tokenData, tokenResponse) = try await session.data(for: tokenRequest)
        #expect((tokenResponse as? HTTPURLResponse)?.statusCode == 200)
        let token = try #require(
            (try JSONSerialization.jsonObject(with: tokenData) as? [String: Any])?["access_token"] as? String)

        var list = URLRequest(url: URL(string: server.url + Atlas.restores("Cluster0"))!)
        list.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        list.setValue("application/vnd.atlas.2024-05-30+json", forHTTPHeaderField: "Accept")
        let (data, response) = try await session.data(for: list)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect(http.value(forHTTPHeaderField: "Content-Type") == Atlas.tenantContentType)
        #expect(http.value(forHTTPHeaderField: "Sunset") == Atlas.sunset)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["totalCount"] as? Int == 6)
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.map { $0["id"] as? String } == Atlas.cluster0JobIds)
    }
}
