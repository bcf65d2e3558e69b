import AtlasMockHTTP
/// `GET/POST/DELETE /__admin/faults` and `DELETE /__admin/faults/{id}`.
extension FakeAtlas {
    func listFaults() -> HTTPServerResponse {
        Self.adminJSON(200, .object(["faults": .array(self.admin.faults.rules.map(FixtureEncoder.fault))]))
    }

    /// Adds one rule (an object) or several (an array), validated like fixture faults; answers them with ids.
    func addFaults(_ body: [UInt8]) throws -> HTTPServerResponse {
        let rules: [FaultRule]
        do throws(FixtureErrors) {
            rules = try FixtureLoader.faultRules(json: body, source: "POST /__admin/faults")
        } catch {
            throw AdminFailure.rejected(error, what: "fault")
        }
        guard let added = self.admin.faults.add(rules) else {
            throw AdminFailure(status: 409, message: "a fault with that id already exists; DELETE it first")
        }
        return Self.adminJSON(201, .object(["faults": .array(added.map(FixtureEncoder.fault))]))
    }

    func removeAllFaults() -> HTTPServerResponse {
        self.admin.faults.removeAll()
        return Self.adminJSON(200, .object(["status": .string("removed")]))
    }

    func removeFault(id: String) throws -> HTTPServerResponse {
        guard self.admin.faults.remove(id: id) else {
            throw AdminFailure(status: 404, message: "no fault with id \"\(id)\"")
        }
        return Self.adminJSON(200, .object(["status": .string("removed")]))
    }
}
