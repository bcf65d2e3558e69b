import AtlasMockHTTP

/// `GET /__admin/requests` (filterable by `method`, `pathPrefix`, `status`) and `DELETE /__admin/requests`.
struct AdminJournal: Sendable {
    let journal: RequestJournal

    func list(_ request: AdminRequest) throws(AdminFailure) -> HTTPServerResponse {
        let query = try request.query()
        let method = query.value("method")?.uppercased()
        let pathPrefix = query.value("pathPrefix")
        var status: Int?
        if let text = query.value("status") {
            guard let value = Int(text) else { throw AdminFailure.badRequest("status must be an integer, got \"\(text)\"") }
            status = value
        }
        let entries = self.journal.entries.filter { entry in
            (method == nil || entry.method == method) && (pathPrefix.map { entry.path.hasPrefix($0) } ?? true)
                && (status == nil || entry.status == status)
        }
        return .adminJSON(200, .object(["requests": .array(entries.map(\.json))]))
    }

    func clear(_ request: AdminRequest) -> HTTPServerResponse {
        self.journal.removeAll()
        return .adminJSON(200, .object(["status": .string("cleared")]))
    }
}
