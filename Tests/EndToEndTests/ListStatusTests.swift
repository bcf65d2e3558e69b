import AtlasMockTestSupport
import Foundation
import Testing

/// Every documented status of `GET …/backup/tenant/restores`, seen by curl over HTTP/1.1 and HTTP/2, with the exact
/// body and the headers a client relies on.
@Suite("List restore jobs: every documented status", .timeLimit(.minutes(1)))
struct ListStatusTests {
    @Test(arguments: HTTPProtocol.allCases)
    func errorsHaveExactBodiesAndHeaders(protocolChoice: HTTPProtocol) async throws {
        try await withAtlasMock { server in
            func get(_ path: String, _ arguments: [String], accept: String = Atlas.tenantAccept, method: String = "GET")
                async throws -> ClientResponse
            {
                let response = try await Client.curl(
                    protocolChoice, method, server.url + path, arguments + ["--header", accept])
                #expect(response.version == protocolChoice.version, "\(response)")
                return response
            }

            expectAtlasError(
                try await get(Atlas.restores("FlexCluster0"), Atlas.readOnlyKey), status: 400,
                body: #"{"detail":"Flex cluster FlexCluster0 cannot be used in the Cluster API.","error":400,"errorCode":"CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API","parameters":["FlexCluster0"],"reason":"Bad Request"}"#,
                deprecated: true)
            expectAtlasError(
                try await get(Atlas.restores("Cluster0") + "?pretty=maybe", Atlas.readOnlyKey), status: 400,
                body: #"{"detail":"Invalid query parameter pretty specified.","error":400,"errorCode":"INVALID_QUERY_PARAMETER","parameters":["pretty"],"reason":"Bad Request"}"#,
                deprecated: true)
            expectAtlasError(
                try await get(Atlas.restores("Cluster0"), Atlas.noRoleKey), status: 401,
                body: #"{"detail":"Current user is not authorized to perform this action.","error":401,"errorCode":"USER_UNAUTHORIZED","parameters":[],"reason":"Unauthorized"}"#,
                deprecated: true)
            // The access list is checked with the credentials, before the version is resolved.
            expectAtlasError(
                try await get(Atlas.restores("Cluster0"), Atlas.blockedKey), status: 403,
                body: #"{"detail":"IP address 127.0.0.1 is not allowed to access this resource.","error":403,"errorCode":"IP_ADDRESS_NOT_ON_ACCESS_LIST","parameters":["127.0.0.1"],"reason":"Forbidden"}"#,
                deprecated: false)
            expectAtlasError(
                try await get(Atlas.restores("Cluster0", project: "111111111111111111111111"), Atlas.readOnlyKey),
                status: 404,
                body: #"{"detail":"No group with ID 111111111111111111111111 exists.","error":404,"errorCode":"GROUP_NOT_FOUND","parameters":["111111111111111111111111"],"reason":"Not Found"}"#,
                deprecated: true)
            expectAtlasError(
                try await get(Atlas.restores("Nope"), Atlas.readOnlyKey), status: 404,
                body: #"{"detail":"No cluster named Nope exists in group 32b6e34b3d91647abb20e7b8.","error":404,"errorCode":"CLUSTER_NOT_FOUND","parameters":["Nope","32b6e34b3d91647abb20e7b8"],"reason":"Not Found"}"#,
                deprecated: true)
            expectAtlasError(
                try await get(Atlas.restores("Cluster0"), Atlas.readOnlyKey, accept: "Accept: application/vnd.atlas.2022-12-31+json"),
                status: 406,
                body: #"{"detail":"Invalid accept header or version date.","error":406,"errorCode":"INVALID_VERSION_DATE","parameters":[],"reason":"Not Acceptable"}"#,
                deprecated: false)
            // Faulty0's fault rule in fixtures/default/50-faults.json.
            expectAtlasError(
                try await get(Atlas.restores("Faulty0"), Atlas.readOnlyKey), status: 500,
                body: #"{"detail":"Unexpected error.","error":500,"errorCode":"UNEXPECTED_ERROR","parameters":[],"reason":"Internal Server Error"}"#,
                deprecated: false)

            // 405: empty body, no Content-Type, Allow naming what the path takes.
            let delete = try await get(Atlas.restores("Cluster0"), Atlas.readOnlyKey, method: "DELETE")
            #expect(delete.status == 405, "\(delete)")
            #expect(delete.body.isEmpty)
            #expect(delete.header("Content-Length") == "0")
            #expect(delete.header("Content-Type") == nil)
            #expect(delete.header("Allow") == "GET,OPTIONS")
            #expect(delete.header("X-Error-Code") == nil)
        }
    }

    /// The challenge is the same whether credentials are missing or wrong: clients cannot tell them apart.
    @Test(arguments: HTTPProtocol.allCases)
    func challengeIsByteExact(protocolChoice: HTTPProtocol) async throws {
        try await withAtlasMock { server in
            var nonces: Set<String> = []
            let anonymous: [String] = []
            let wrongKey = ["--user", "mockpublic:not-the-key", "--digest"]
            for credentials in [anonymous, wrongKey, wrongKey] {
                let response = try await Client.curl(
                    protocolChoice, "GET", server.url + Atlas.restores("Cluster0"),
                    credentials + ["--header", Atlas.tenantAccept])
                #expect(response.exitCode == 0, "\(response)")
                #expect(response.status == 401, "\(response)")
                #expect(response.body == Atlas.challengeBody)
                #expect(response.header("Content-Length") == "106")
                #expect(response.header("Content-Type") == "application/json")
                #expect(response.header("X-Error-Code") == nil)
                #expect(!response.headerNames.contains("ratelimit-limit"))
                let header = try #require(response.header("WWW-Authenticate"), "\(response)")
                #expect(header.wholeMatch(of: Atlas.challengePattern) != nil, "\(header)")
                nonces.insert(String(header.firstMatch(of: #/nonce="([^"]+)"/#)?.1 ?? ""))
            }
            // A fresh nonce on every challenge.
            #expect(nonces.count == 3)
        }
    }
}
