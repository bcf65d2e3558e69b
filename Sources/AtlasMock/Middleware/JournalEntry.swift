import AtlasMockHTTP
import FoundationEssentials
import HTTPTypes

/// One Atlas API request as `GET /__admin/requests` shows it. Credentials never leave it: `headers` redacts them.
struct JournalEntry: Sendable {
    var time: Date
    var method: String
    /// The request target as received; path and query are split off when the journal is read.
    var target: String
    /// The fields as received; redacted and merged only when the journal is read, so recording stays cheap on
    /// the request path (building the dictionary per request showed in the benchmark profile).
    var fields: HTTPFields
    var remoteAddress: String
    var principal: String?
    /// The status sent, or nil when the connection was dropped.
    var status: Int?
    /// The fault rule that applied, if any.
    var fault: String?
    /// The legacy operationId the request reached, if it reached one.
    var operation: String?

    /// Headers whose values are secrets. `Authorization` keeps its scheme so the journal still shows how the
    /// client authenticated.
    private static let redacted: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]

    init(request: HTTPServerRequest, time: Date, principal: String?, status: Int?, fault: String?, operation: String?) {
        self.time = time
        self.method = request.head.method.rawValue
        self.target = request.target
        self.fields = request.head.headerFields
        self.remoteAddress = request.remoteAddress
        self.principal = principal
        self.status = status
        self.fault = fault
        self.operation = operation
    }

    var path: Substring { self.target.prefix { $0 != "?" } }

    var query: Substring? {
        self.target.firstIndex(of: "?").map { self.target[self.target.index(after: $0)...] }
    }

    /// Lower-case names; repeated fields joined with `, `; secrets redacted.
    var headers: [String: String] {
        var headers: [String: String] = [:]
        for field in self.fields {
            let name = field.name.canonicalName
            var value = field.value
            if Self.redacted.contains(name) {
                let scheme = name.hasSuffix("authorization") ? value.split(separator: " ").first.map { $0 + " " } ?? "" : ""
                value = scheme + "<redacted>"
            }
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        return headers
    }

    var json: JSONValue {
        .compactObject([
            "time": .string(AtlasDate.format(self.time)), "method": .string(self.method), "path": .string(String(self.path)),
            "query": self.query.map { .string(String($0)) }, "headers": .object(self.headers.mapValues { .string($0) }),
            "remoteAddress": .string(self.remoteAddress), "principal": self.principal.map { .string($0) },
            "status": self.status.map { .int($0) }, "dropped": self.status == nil ? .bool(true) : nil,
            "fault": self.fault.map { .string($0) }, "operation": self.operation.map { .string($0) },
        ])
    }
}
