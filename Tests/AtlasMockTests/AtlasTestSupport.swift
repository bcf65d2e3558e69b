import AtlasMockHTTP
import Glibc
import Foundation
import HTTPTypes

@testable import AtlasMock

/// A small dataset built in code, independent of the default fixtures, so these tests pin behaviour, not data.
enum TestData {
    static let orgId = "5f1d2c3b4a5e6f7081928374"
    static let otherOrgId = "6a1d2c3b4a5e6f7081928375"
    static let projectId = "32b6e34b3d91647abb20e7b8"
    static let otherProjectId = "6b6e34b3d91647abb20e7b81"
    static let readKey = APIKey(
        publicKey: "reader", privateKey: "reader-secret", orgId: orgId, description: nil,
        roles: RoleAssignments(orgRoles: ["ORG_MEMBER"], projectRoles: [projectId: ["GROUP_READ_ONLY"]]), accessList: [])
    static let noRoleKey = APIKey(
        publicKey: "norole", privateKey: "norole-secret", orgId: orgId, description: nil,
        roles: RoleAssignments(orgRoles: ["ORG_MEMBER"], projectRoles: [:]), accessList: [])
    static let blockedKey = APIKey(
        publicKey: "blocked", privateKey: "blocked-secret", orgId: orgId, description: nil,
        roles: RoleAssignments(orgRoles: [], projectRoles: [projectId: ["GROUP_READ_ONLY"]]),
        accessList: [AccessListEntry("203.0.113.0/24")!])
    static let ownerKey = APIKey(
        publicKey: "owner", privateKey: "owner-secret", orgId: orgId, description: nil,
        roles: RoleAssignments(orgRoles: ["ORG_OWNER"], projectRoles: [:]), accessList: [])
    static let backupKey = APIKey(
        publicKey: "backup", privateKey: "backup-secret", orgId: orgId, description: nil,
        roles: RoleAssignments(orgRoles: [], projectRoles: [projectId: ["GROUP_BACKUP_MANAGER"]]), accessList: [])
    static let account = ServiceAccount(
        clientId: "mdb_sa_id_test", clientSecret: "mdb_sa_sk_test", orgId: orgId, name: "ci",
        roles: RoleAssignments(orgRoles: [], projectRoles: [projectId: ["GROUP_READ_ONLY"]]), accessList: [])

    static func date(_ text: String) -> Date { AtlasDate.parse(text)! }

    /// `count` jobs on Cluster0 with ascending ids, so the newest has the largest id.
    static func dataset(jobCount: Int = 3) -> AtlasDataset {
        var dataset = AtlasDataset()
        dataset.organizations = [
            Organization(id: orgId, name: "Org"), Organization(id: otherOrgId, name: "Other"),
        ]
        dataset.projects = [
            Project(id: projectId, name: "Project", orgId: orgId),
            Project(id: otherProjectId, name: "Elsewhere", orgId: otherOrgId),
        ]
        dataset.clusters = [
            Cluster(projectId: projectId, name: "Cluster0", kind: .shared(tier: "M2")),
            Cluster(projectId: projectId, name: "Empty0", kind: .shared(tier: "M5")),
            Cluster(projectId: projectId, name: "Free0", kind: .shared(tier: "M0")),
            Cluster(projectId: projectId, name: "Flex0", kind: .flex(origin: .flexAPI)),
            Cluster(projectId: projectId, name: "Migrated0", kind: .flex(origin: .migratedFromShared)),
            Cluster(projectId: projectId, name: "Dedicated0", kind: .dedicated(tier: "M10")),
            Cluster(projectId: otherProjectId, name: "Cluster0", kind: .shared(tier: "M2")),
            Cluster(projectId: projectId, name: "Target0", kind: .shared(tier: "M5")),
        ]
        dataset.snapshots = [
            snapshot("65c000000000000000000001", cluster: "Cluster0", scheduled: "2026-11-25T00:00:00Z"),
            failedSnapshot("65c000000000000000000002", cluster: "Cluster0", scheduled: "2026-11-10T00:00:00Z"),
            snapshot("65c000000000000000000003", cluster: "Migrated0", scheduled: "2026-11-26T00:00:00Z"),
            snapshot("65c000000000000000000004", cluster: "Flex0", scheduled: "2026-11-27T00:00:00Z"),
        ]
        dataset.restoreJobs = (0..<jobCount).map { index in
            RestoreJob(
                id: String(format: "65a000000000000000%06x", index), projectId: projectId, clusterName: "Cluster0",
                snapshotId: "65b000000000000000000001", deliveryType: .restore, status: .completed,
                targetDeploymentItemName: "Target0", targetProjectId: projectId,
                restoreScheduledDate: date("2025-11-01T10:00:00Z"), restoreFinishedDate: date("2025-11-01T10:05:00Z"),
                snapshotFinishedDate: date("2025-10-31T23:00:00Z"), expirationDate: nil, snapshotUrl: nil)
        }
        dataset.apiKeys = [readKey, noRoleKey, blockedKey, ownerKey, backupKey]
        dataset.serviceAccounts = [account]
        return dataset
    }

    /// A completed snapshot kept eight days, as Atlas keeps them.
    static func snapshot(_ id: String, cluster: String, scheduled: String) -> TenantSnapshot {
        let start = date(scheduled)
        return TenantSnapshot(
            id: id, projectId: projectId, clusterName: cluster, status: .completed, mongoDBVersion: "8.0.4",
            scheduledTime: start, startTime: start.addingTimeInterval(60), finishTime: start.addingTimeInterval(300),
            expiration: start.addingTimeInterval(8 * 86400))
    }

    static func failedSnapshot(_ id: String, cluster: String, scheduled: String) -> TenantSnapshot {
        var snapshot = self.snapshot(id, cluster: cluster, scheduled: scheduled)
        snapshot.status = .failed
        snapshot.finishTime = nil
        return snapshot
    }

    /// The instant backup tests stand at: after every snapshot above.
    static let now = date("2026-11-28T12:00:00Z")

    static func atlas(
        jobCount: Int = 3, configure: (inout AtlasConfiguration) -> Void = { _ in }
    ) -> FakeAtlas {
        var configuration = AtlasConfiguration()
        configure(&configuration)
        return FakeAtlas(configuration: configuration, fixtures: Fixtures(dataset: dataset(jobCount: jobCount)))
    }
}

extension FakeAtlas {
    /// Sends one request straight to the handler, no sockets.
    func send(
        _ target: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: [UInt8] = [],
        remoteAddress: String = "127.0.0.1"
    ) -> HTTPServerResponse {
        let head = HTTPRequest(method: method, scheme: nil, authority: "localhost:8080", path: target, headerFields: headers)
        return self.respond(
            to: HTTPServerRequest(head: head, body: body, remoteAddress: remoteAddress, remotePort: 50000, version: .http1_1))
    }

    /// Runs the Digest handshake the way the Go SDK does: unauthenticated first, then the signed retry.
    func sendDigest(
        _ target: String, method: HTTPRequest.Method = .get, user: String, password: String,
        accept: String = "application/vnd.atlas.2023-01-01+json", body: String? = nil, remoteAddress: String = "127.0.0.1"
    ) -> HTTPServerResponse {
        let bytes = body.map { Array($0.utf8) } ?? []
        let challenge = self.send(target, method: method, headers: [.accept: accept], body: bytes, remoteAddress: remoteAddress)
        guard challenge.head.status == .unauthorized, let header = challenge.head.headerFields[.wwwAuthenticate],
            let nonce = DigestTestClient.nonce(in: header)
        else { return challenge }
        let authorization = DigestTestClient.authorization(
            method: method.rawValue, uri: target, user: user, password: password, nonce: nonce, nc: 1)
        return self.send(
            target, method: method, headers: [.accept: accept, .authorization: authorization], body: bytes,
            remoteAddress: remoteAddress)
    }
}

/// An independent RFC 7616 client computation for tests (MD5 itself is checked against RFC 1321 vectors).
enum DigestTestClient {
    static func nonce(in challenge: String) -> String? {
        guard let start = challenge.range(of: "nonce=\"") else { return nil }
        let rest = challenge[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func authorization(
        method: String, uri: String, user: String, password: String, nonce: String, nc: Int,
        cnonce: String = "0a4f113b0a4f113b", realm: String = "MMS Public API"
    ) -> String {
        let ncText = String(format: "%08x", nc)
        let ha1 = MD5.hex("\(user):\(realm):\(password)")
        let ha2 = MD5.hex("\(method):\(uri)")
        let response = MD5.hex("\(ha1):\(nonce):\(ncText):\(cnonce):auth:\(ha2)")
        return "Digest username=\"\(user)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", "
            + "response=\"\(response)\", algorithm=\"MD5\", qop=auth, nc=\(ncText), cnonce=\"\(cnonce)\""
    }
}

extension HTTPServerResponse {
    var text: String { String(decoding: self.body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(self.body)) as? [String: Any] ?? [:]
    }

    func header(_ name: String) -> String? { self.head.headerFields[HTTPField.Name(name)!] }
}

/// One request per connection to a live `AtlasMockServer`, written byte for byte (`Connection: close`), so tests
/// can send what no well-behaved client library would. Blocking, with a receive timeout against hangs.
struct LiveResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? { self.headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var text: String { String(decoding: self.body, as: UTF8.self) }
    func json() -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body))) as? [String: Any] ?? [:]
    }
}

enum LiveClient {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func send(
        _ port: Int, _ method: String, _ target: String, headers: [(String, String)] = [], body: String = ""
    ) throws -> LiveResponse {
        var request = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { request += "Content-Length: \(body.utf8.count)\r\n" }
        return try self.exchange(port, Array((request + "\r\n" + body).utf8))
    }

    /// Sends `bytes`, reads to EOF and parses the one response.
    static func exchange(_ port: Int, _ bytes: [UInt8]) throws -> LiveResponse {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: "connect: errno \(errno)") }
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Failure(description: "send: errno \(errno)") }
            sent += count
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 { throw Failure(description: "recv: errno \(errno)") }
            if count == 0 { break }
            received += chunk[..<count]
        }
        return try self.parse(received)
    }

    static func parse(_ bytes: [UInt8]) throws -> LiveResponse {
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else {
            throw Failure(description: "no complete response head in \(bytes.count) bytes")
        }
        var lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        let headers = lines.map { line -> (String, String) in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            return (String(line[..<colon]), line[colon...].dropFirst().trimmingCharacters(in: .whitespaces))
        }
        var response = LiveResponse(status: Int(statusLine[1]) ?? -1, headers: headers, body: [])
        let length = Int(response.header("Content-Length") ?? "") ?? (bytes.count - end.upperBound)
        response.body = Array(bytes[end.upperBound...].prefix(length))
        return response
    }
}
