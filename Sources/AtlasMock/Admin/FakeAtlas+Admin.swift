import AtlasMockHTTP
import FoundationEssentials
import Dispatch
import HTTPTypes

/// The admin API under `/__admin/` (WireMock's convention) that integration tests drive, and the dispatch that
/// wraps every Atlas API request with fault injection and the request journal.
extension FakeAtlas {
    /// Starts with the data and fault rules of `fixtures` (what `POST /__admin/reset` goes back to).
    public convenience init(configuration: AtlasConfiguration, fixtures: Fixtures) {
        self.init(configuration: configuration, dataset: fixtures.dataset, faults: fixtures.faults)
    }

    /// Answers admin requests directly; other requests go through `respond(to:trace:)`, then get their fault's
    /// delay or dropped connection, and are journaled with their final status just before the reply.
    func dispatch(_ request: HTTPServerRequest, reply: @escaping @Sendable (HTTPServerReply) -> Void) {
        if request.path == "/__admin" || request.path.hasPrefix("/__admin/") {
            reply(.response(self.respondAdmin(to: request)))
            return
        }
        let received = self.clock.now()
        let trace = RequestTrace(faults: self.admin.faults, method: request.head.method.rawValue, path: request.path)
        let response = self.respond(to: request, trace: trace)
        let drops = trace.dropsConnection
        let entry = JournalEntry(
            request: request, time: received, principal: trace.principal,
            status: drops ? nil : response.head.status.code, fault: trace.fault?.rule.id,
            operation: trace.operation)
        let journal = self.admin.journal
        let finish: @Sendable () -> Void = {
            journal.record(entry)
            reply(drops ? .dropConnection : .response(response))
        }
        let delay = trace.fault?.delayMilliseconds ?? 0
        guard delay > 0 else { return finish() }
        // Delays must not hold the connection's thread: the reply is scheduled, not slept for.
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay), execute: finish)
    }

    func respondAdmin(to request: HTTPServerRequest) -> HTTPServerResponse {
        do {
            return try self.routeAdmin(request)
        } catch let failure as AdminFailure {
            var fields: HTTPFields = [.contentType: "application/json"]
            if !failure.allow.isEmpty { fields[.allow] = failure.allow.joined(separator: ", ") }
            var body: [String: JSONValue] = ["error": .string(failure.message)]
            if !failure.errors.isEmpty { body["errors"] = .array(failure.errors.map { .string($0) }) }
            return HTTPServerResponse(
                status: HTTPResponse.Status(code: failure.status), headerFields: fields,
                body: JSONWriter.encode(.object(body), style: .compact) + [UInt8(ascii: "\n")])
        } catch {
            return Self.adminJSON(500, .object(["error": .string("admin request failed: \(error)")]))
        }
    }

    private func routeAdmin(_ request: HTTPServerRequest) throws -> HTTPServerResponse {
        let method = request.head.method.rawValue
        let route = request.path.dropFirst("/__admin".count)
        if route != "/health" { try self.checkAdminToken(request) }
        func only(_ allowed: [String]) throws {
            guard allowed.contains(method) else {
                throw AdminFailure(
                    status: 405, message: "\(method) is not allowed on \(request.path); use \(allowed.joined(separator: " or "))",
                    allow: allowed)
            }
        }
        switch route {
        case "/health":
            try only(["GET"])
            return Self.adminJSON(200, .object(["status": .string("ok")]))
        case "/reset":
            try only(["POST"])
            self.resetToInitialState()
            return Self.adminJSON(200, .object(["status": .string("reset")]))
        case "/fixtures":
            try only(["POST"])
            return try self.addFixtures(request.body)
        case "/state":
            try only(["GET", "PUT"])
            return method == "GET" ? try self.dumpState(request) : try self.replaceState(request.body)
        case "/requests":
            try only(["GET", "DELETE"])
            return method == "GET" ? try self.listRequests(request) : self.clearRequests()
        case "/faults":
            try only(["GET", "POST", "DELETE"])
            switch method {
            case "GET": return self.listFaults()
            case "POST": return try self.addFaults(request.body)
            default: return self.removeAllFaults()
            }
        case "/clock":
            try only(["GET", "PUT"])
            return method == "GET" ? self.clockState() : try self.setClock(request.body)
        default:
            if route.hasPrefix("/faults/") {
                try only(["DELETE"])
                return try self.removeFault(id: String(route.dropFirst("/faults/".count)))
            }
            throw AdminFailure.notFound(method, request.path)
        }
    }

    private func checkAdminToken(_ request: HTTPServerRequest) throws {
        guard let token = self.configuration.adminToken else { return }
        guard request.head.headerFields[.authorization] == "Bearer " + token else {
            throw AdminFailure(status: 401, message: "the admin API needs the header Authorization: Bearer <admin token>")
        }
    }

    /// Back to the start: data, fault rules, issued tokens and nonces, the journal and the clock. Admin calls
    /// are serialised; the clock goes first so no request sees restored data at a moved time.
    func resetToInitialState() {
        self.admin.operations.withLock { _ in
            self.clock.set(self.configuration.clock)
            self.admin.faults.reset()
            self.store.reset()
            self.tokens.removeAll()
            self.nonces.removeAll()
            self.admin.journal.removeAll()
        }
        FreedMemory.returnToSystemSoon()
    }

    /// `POST /__admin/fixtures`: validated against the data being served, then added in one step.
    private func addFixtures(_ body: [UInt8]) throws -> HTTPServerResponse {
        let added: Fixtures = try self.admin.operations.withLock { _ in
            try self.store.write { state in
                let current = Fixtures(dataset: state.dataset, faults: self.admin.faults.rules)
                let merged: Fixtures
                do throws(FixtureErrors) {
                    merged = try FixtureLoader.load(json: body, source: "POST /__admin/fixtures", onto: current)
                } catch {
                    throw AdminFailure.rejected(error, what: "fixtures")
                }
                state = AtlasState(merged.dataset)
                self.admin.faults.replace(with: merged.faults)
                return Self.difference(merged, current)
            }
        }
        // As after start-up: the parsed body and the replaced state are garbage now.
        FreedMemory.returnToSystemSoon()
        return Self.adminJSON(200, .object(["added": Self.counts(added)]))
    }

    /// `GET /__admin/state`: everything served, in the fixture format; `PUT /__admin/state` loads it back.
    private func dumpState(_ request: HTTPServerRequest) throws -> HTTPServerResponse {
        let pretty = try Self.query(request).bool("pretty", default: false)
        var dataset = self.store.dataset
        // Created jobs are dumped as they stand now, so the dump reloads as plain fixture jobs.
        let now = self.clock.now()
        dataset.restoreJobs = dataset.restoreJobs.map { $0.resolved(at: now) }
        let fixtures = Fixtures(dataset: dataset, faults: self.admin.faults.rules)
        return Self.adminJSON(200, FixtureEncoder.encode(fixtures), style: pretty ? .pretty : .compact)
    }

    /// `PUT /__admin/state`: replaces all data and fault rules with the body (`{}` empties the fake). A reset
    /// still goes back to the start-up fixtures.
    private func replaceState(_ body: [UInt8]) throws -> HTTPServerResponse {
        let fixtures: Fixtures
        do throws(FixtureErrors) {
            fixtures = try FixtureLoader.load(json: body, source: "PUT /__admin/state")
        } catch {
            throw AdminFailure.rejected(error, what: "state")
        }
        self.admin.operations.withLock { _ in
            self.store.replace(with: fixtures.dataset)
            self.admin.faults.replace(with: fixtures.faults)
        }
        FreedMemory.returnToSystemSoon()
        return Self.adminJSON(200, .object(["loaded": Self.counts(fixtures)]))
    }

    private static func difference(_ merged: Fixtures, _ base: Fixtures) -> Fixtures {
        var added = Fixtures()
        added.dataset.organizations = Array(merged.dataset.organizations.dropFirst(base.dataset.organizations.count))
        added.dataset.projects = Array(merged.dataset.projects.dropFirst(base.dataset.projects.count))
        added.dataset.clusters = Array(merged.dataset.clusters.dropFirst(base.dataset.clusters.count))
        added.dataset.snapshots = Array(merged.dataset.snapshots.dropFirst(base.dataset.snapshots.count))
        added.dataset.restoreJobs = Array(merged.dataset.restoreJobs.dropFirst(base.dataset.restoreJobs.count))
        added.dataset.apiKeys = Array(merged.dataset.apiKeys.dropFirst(base.dataset.apiKeys.count))
        added.dataset.serviceAccounts = Array(
            merged.dataset.serviceAccounts.dropFirst(base.dataset.serviceAccounts.count))
        added.faults = Array(merged.faults.dropFirst(base.faults.count))
        return added
    }

    private static func counts(_ fixtures: Fixtures) -> JSONValue {
        let dataset = fixtures.dataset
        return .object([
            "organizations": .int(dataset.organizations.count), "projects": .int(dataset.projects.count),
            "clusters": .int(dataset.clusters.count), "tenantSnapshots": .int(dataset.snapshots.count),
            "tenantRestoreJobs": .int(dataset.restoreJobs.count), "apiKeys": .int(dataset.apiKeys.count),
            "serviceAccounts": .int(dataset.serviceAccounts.count), "faults": .int(fixtures.faults.count),
        ])
    }

    static func query(_ request: HTTPServerRequest) throws -> QueryParameters {
        do {
            return try QueryParameters(rawQuery: request.rawQuery)
        } catch {
            throw AdminFailure.badRequest("the query string is not valid percent-encoding")
        }
    }

    static func adminJSON(_ status: Int, _ body: JSONValue, style: JSONWriter.Style = .compact) -> HTTPServerResponse {
        HTTPServerResponse(
            status: HTTPResponse.Status(code: status), headerFields: [.contentType: "application/json"],
            body: JSONWriter.encode(body, style: style) + [UInt8(ascii: "\n")])
    }
}
