/// The default dataset's names and the paths and headers users type, as the README and fixtures/default give them.
package enum Atlas {
    package static let projectId = "32b6e34b3d91647abb20e7b8"
    /// The second organization's project.
    package static let otherProjectId = "6a1f0c9e2b7d4a3c5e8f1b21"

    /// The media type of the tenant endpoints' only version, 2023-01-01.
    package static let tenantMediaType = "application/vnd.atlas.2023-01-01+json"
    /// The `Accept` of the seed's curl command; the version date is a floor, so it gets the 2023-01-01 resource.
    package static let seedAccept = "Accept: application/vnd.atlas.2024-05-30+json"
    package static let tenantAccept = "Accept: " + Self.tenantMediaType
    package static let flexAccept = "Accept: application/vnd.atlas.2024-11-13+json"
    package static let tenantContentType = Self.tenantMediaType + ";charset=utf-8"
    package static let deprecation = "Wed, 11 Jun 2025 00:00:00 GMT"
    package static let sunset = "Thu, 22 Jan 2026 00:00:00 GMT"

    /// An API key of the default dataset: its Digest user name and password.
    package struct Key: Sendable {
        package let user: String
        package let password: String

        /// curl's arguments for Digest with this key.
        package var curlDigest: [String] { ["--user", "\(self.user):\(self.password)", "--digest"] }
    }

    /// GROUP_READ_ONLY on the project.
    package static let readOnly = Key(user: "mockpublic", password: "mock-private-key-0000")
    /// ORG_OWNER.
    package static let owner = Key(user: "mockowner", password: "mock-owner-key-0000")
    package static let noRole = Key(user: "mocknorole", password: "mock-norole-key-0000")
    /// Its access list excludes loopback.
    package static let blocked = Key(user: "mockblocked", password: "mock-blocked-key-0000")
    /// The service account's client id and secret (`POST /api/oauth/token`).
    package static let serviceAccount = Key(user: "mdb_sa_id_mock", password: "mdb_sa_sk_mock")

    package static let readOnlyKey = Self.readOnly.curlDigest
    package static let ownerKey = Self.owner.curlDigest
    package static let noRoleKey = Self.noRole.curlDigest
    package static let blockedKey = Self.blocked.curlDigest

    /// Cluster0's restore jobs in the default dataset, newest first as the list returns them.
    package static let cluster0JobIds = [
        "693d47f65bf4f8685850fef7", "693d405fb0dbea31bb23cc96", "693d1fd90a68ccb09cc599d2",
        "693af52a7cdad59df0391faf", "69393737393c409a28812dc9", "69383051e1dbfda41e620695",
    ]
    /// A COMPLETED snapshot of Cluster0 and one of MigratedFlex0.
    package static let cluster0Snapshot = "69363f305f2a974a83589f46"
    package static let migratedFlexSnapshot = "693a41c0b147c7a81d29d2e0"

    package static func restores(_ cluster: String, project: String = Self.projectId) -> String {
        "/api/atlas/v2/groups/\(project)/clusters/\(cluster)/backup/tenant/restores"
    }

    package static func restore(_ cluster: String) -> String {
        "/api/atlas/v2/groups/\(Self.projectId)/clusters/\(cluster)/backup/tenant/restore"
    }

    package static func flexRestoreJobs(_ cluster: String) -> String {
        "/api/atlas/v2/groups/\(Self.projectId)/flexClusters/\(cluster)/backup/restoreJobs"
    }

    /// The 401 challenge body, byte for byte (Jackson's pretty printer, no `errorCode`).
    package static let challengeBody = """
        {
          "error" : 401,
          "reason" : "Unauthorized",
          "detail" : "You are not authorized for this resource."
        }
        """

    /// `WWW-Authenticate` as Atlas sends it; only the 32-character base64 nonce varies.
    package static var challengePattern: Regex<Substring> {
        #/Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]{32}", algorithm=MD5, qop="auth", stale=false/#
    }
}
