import AtlasMockHTTP

/// `GET/POST/DELETE /__admin/faults` and `DELETE /__admin/faults/{id}`.
struct AdminFaults: Sendable {
    let faults: FaultInjector

    func list(_ request: AdminRequest) -> HTTPServerResponse {
        .adminJSON(200, .object(["faults": .array(self.faults.rules.map(\.json))]))
    }

    /// Adds one rule (an object) or several (an array), validated like fixture faults; answers them with ids.
    func add(_ request: AdminRequest) throws(AdminFailure) -> HTTPServerResponse {
        let rules: [FaultRule]
        do throws(FixtureErrors) {
            rules = try FixtureLoader.faultRules(json: request.body, source: "POST /__admin/faults")
        } catch {
            throw AdminFailure.rejected(error, what: "fault")
        }
        guard let added = self.faults.add(rules) else {
            throw AdminFailure(status: 409, message: "a fault with that id already exists; DELETE it first")
        }
        return .adminJSON(201, .object(["faults": .array(added.map(\.json))]))
    }

    func removeAll(_ request: AdminRequest) -> HTTPServerResponse {
        self.faults.removeAll()
        return .adminJSON(200, .object(["status": .string("removed")]))
    }

    func remove(_ request: AdminRequest) throws(AdminFailure) -> HTTPServerResponse {
        let id = request.parameters["id"] ?? ""
        guard self.faults.remove(id: id) else {
            throw AdminFailure(status: 404, message: "no fault with id \"\(id)\"")
        }
        return .adminJSON(200, .object(["status": .string("removed")]))
    }
}
