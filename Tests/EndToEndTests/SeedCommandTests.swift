import AtlasMockTestSupport
import Foundation
import Testing

/// The issue's own curl commands against the built binary: Digest with an API key and Bearer with a service
/// account token, over HTTP/1.1, HTTP/2 by prior knowledge, and nghttp.
@Suite("The seed's curl commands", .timeLimit(.minutes(1)))
struct SeedCommandTests {
    /// Checks the documented 200: headers, the Jackson pretty layout, and the list's content.
    private func expectPrettyList(_ response: ClientResponse, url: String, version: String) throws {
        #expect(response.exitCode == 0, "\(response)")
        #expect(response.version == version, "\(response)")
        #expect(response.status == 200, "\(response)")
        #expect(response.header("Content-Type") == Atlas.tenantContentType)
        #expect(response.header("Deprecation") == Atlas.deprecation)
        #expect(response.header("Sunset") == Atlas.sunset)
        #expect(response.header("Content-Length") == String(response.body.utf8.count))
        #expect(response.header("X-Error-Code") == nil)
        let selfLink =
            "\(url)\(Atlas.restores("Cluster0"))?pretty=true&includeCount=true&pageNum=1&itemsPerPage=100"
        let expectedStart = """
            {
              "links" : [ {
                "href" : "\(selfLink)",
                "rel" : "self"
              } ],
              "results" : [ {
                "clusterName" : "Cluster0",
                "deliveryType" : "RESTORE",
                "expirationDate" : "2025-12-13T17:03:18Z",
                "id" : "693d47f65bf4f8685850fef7",
                "links" : [ {
                  "href" : "\(url)\(Atlas.restores("Cluster0"))/693d47f65bf4f8685850fef7",
                  "rel" : "self"
                } ],
                "projectId" : "32b6e34b3d91647abb20e7b8",
                "restoreScheduledDate" : "2025-12-13T11:03:18Z",
                "snapshotFinishedDate" : "2025-12-13T03:02:52Z",
                "snapshotId" : "693cd6b04774eaaea2430cfd",
                "status" : "PENDING",
                "targetDeploymentItemName" : "Cluster1",
                "targetProjectId" : "32b6e34b3d91647abb20e7b8"
              }, {
            """
        let expectedEnd = """
                "status" : "COMPLETED",
                "targetDeploymentItemName" : "Cluster1",
                "targetProjectId" : "32b6e34b3d91647abb20e7b8"
              } ],
              "totalCount" : 6
            }
            """
        #expect(response.body.hasPrefix(expectedStart), "\(response.body)")
        #expect(response.body.hasSuffix(expectedEnd), "\(response.body)")
        let json = try response.json()
        #expect(Set(json.keys) == ["links", "results", "totalCount"])
        #expect(json["totalCount"] as? Int == 6)
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.map { $0["id"] as? String } == Atlas.cluster0JobIds)
        // Absent values are omitted: the PENDING job has no restoreFinishedDate, the DOWNLOAD one a snapshotUrl.
        #expect(results[0]["restoreFinishedDate"] == nil)
        #expect(results[1]["snapshotUrl"] as? String
            == "https://restore-693d405fb0db.s3.us-east-1.amazonaws.com/693b8530731d92367be09382/Cluster0-693b8530.tar.gz")
    }

    @Test(arguments: HTTPProtocol.allCases)
    func digestCommandListsCluster0Restores(protocolChoice: HTTPProtocol) async throws {
        try await withAtlasMock { server in
            // curl --user "mockpublic:mock-private-key-0000" --digest --header "Accept: …2024-05-30+json" -X GET …
            let response = try await Client.curl(
                protocolChoice, "GET", "\(server.url)\(Atlas.restores("Cluster0"))?pretty=true",
                Atlas.readOnlyKey + ["--header", Atlas.seedAccept])
            // curl saw the challenge first, then answered it.
            #expect(response.interim == ["\(protocolChoice.version) 401"], "\(response)")
            try self.expectPrettyList(response, url: server.url, version: protocolChoice.version)
        }
    }

    @Test(arguments: HTTPProtocol.allCases)
    func bearerCommandListsCluster0Restores(protocolChoice: HTTPProtocol) async throws {
        try await withAtlasMock { server in
            let token = try await Client.serviceAccountToken(server.url, protocolChoice: protocolChoice)
            let response = try await Client.curl(
                protocolChoice, "GET", "\(server.url)\(Atlas.restores("Cluster0"))?pretty=true",
                ["--header", "Authorization: Bearer \(token)", "--header", Atlas.seedAccept])
            #expect(response.interim.isEmpty, "\(response)")
            try self.expectPrettyList(response, url: server.url, version: protocolChoice.version)
        }
    }

    @Test func tokenEndpointAnswersTheOAuthShape() async throws {
        try await withAtlasMock { server in
            let response = try await Client.tokenResponse(server.url)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.header("Cache-Control") == "no-store")
            let json = try response.json()
            #expect(Set(json.keys) == ["access_token", "expires_in", "token_type"])
            #expect(json["expires_in"] as? Int == 3600)
            #expect(json["token_type"] as? String == "Bearer")

            let wrong = try await Client.tokenResponse(server.url, credentials: "mdb_sa_id_mock:wrong")
            #expect(wrong.status == 401, "\(wrong)")
            #expect(wrong.body == #"{"error_description":"Invalid credentials provided.","error":"invalid_client"}"#)
        }
    }

    /// nghttp cannot do Digest, so it uses the service account's token; its error case is the challenge.
    @Test func nghttpGetsTheListAndTheChallenge() async throws {
        try await withAtlasMock { server in
            let token = try await Client.serviceAccountToken(server.url)
            let list = try await Client.nghttp(
                "\(server.url)\(Atlas.restores("Cluster0"))",
                headers: ["Authorization: Bearer \(token)", Atlas.seedAccept])
            #expect(list.exitCode == 0, "\(list)")
            #expect(list.status == 200, "\(list)")
            #expect(list.header("content-type") == Atlas.tenantContentType)
            #expect(list.header("deprecation") == Atlas.deprecation)
            #expect(list.header("sunset") == Atlas.sunset)
            #expect(list.header("content-length") == String(list.body.utf8.count))
            #expect(list.body.hasPrefix(
                #"{"links":[{"href":"\#(server.url)\#(Atlas.restores("Cluster0"))?includeCount=true&pageNum=1&itemsPerPage=100","rel":"self"}],"results":[{"clusterName":"Cluster0","deliveryType":"RESTORE","expirationDate":"2025-12-13T17:03:18Z","id":"693d47f65bf4f8685850fef7","#),
                "\(list)")
            #expect(list.body.hasSuffix(#""targetProjectId":"32b6e34b3d91647abb20e7b8"}],"totalCount":6}"#), "\(list)")
            let results = try #require(try list.json()["results"] as? [[String: Any]])
            #expect(results.map { $0["id"] as? String } == Atlas.cluster0JobIds)

            let challenge = try await Client.nghttp(
                "\(server.url)\(Atlas.restores("Cluster0"))", headers: [Atlas.seedAccept])
            #expect(challenge.exitCode == 0, "\(challenge)")
            #expect(challenge.status == 401, "\(challenge)")
            #expect(challenge.body == Atlas.challengeBody, "\(challenge)")
            #expect(challenge.header("content-length") == "106")
            #expect(challenge.header("content-type") == "application/json")
            let header = try #require(challenge.header("www-authenticate"))
            #expect(header.wholeMatch(of: Atlas.challengePattern) != nil, "\(header)")
        }
    }
}
