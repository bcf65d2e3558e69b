import AtlasMockHTTP

/// `GET /__admin/requests` (filterable by `method`, `pathPrefix`, `status`) and `DELETE /__admin/requests`.
extension FakeAtlas {
    func listRequests(_ request: HTTPServerRequest) throws -> HTTPServerResponse {
        let query = try Self.query(request)
        let method = query.value("method")?.uppercased()
        let pathPrefix = query.value("pathPrefix")
        var status: Int?
        if let text = query.value("status") {
            guard let value = Int(text) else { throw AdminFailure.badRequest("status must be an integer, got \"\(text)\"") }
            status = value
        }
        let entries = self.admin.journal.entries.filter { entry in
            (method == nil || entry.method == method) && (pathPrefix.map { entry.path.hasPrefix($0) } ?? true)
                && (status == nil || entry.status == status)
        }
        return Self.adminJSON(200, .object(["requests": .array(entries.map(\.json))]))
    }

    func clearRequests() -> HTTPServerResponse {
        self.admin.journal.removeAll()
        return Self.adminJSON(200, .object(["status": .string("cleared")]))
    }
}
