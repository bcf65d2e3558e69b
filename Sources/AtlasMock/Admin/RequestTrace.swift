/// What the admin layer learns about one Atlas API request while `FakeAtlas.respond(to:trace:)` answers it:
/// who made it and which fault, if any, applied. Used on the request's thread only.
final class RequestTrace {
    private let faults: FaultInjector
    private let method: String
    private let path: Substring
    private(set) var principal: String?
    private(set) var fault: FaultInjector.Decision?
    /// The legacy operationId of the operation the request reached (`listSharedClusterBackupRestoreJobs`).
    var operation: String?

    init(faults: FaultInjector, method: String, path: Substring) {
        self.faults = faults
        self.method = method
        self.path = path
    }

    /// Called once the caller is known. Throws the rule's error for an error fault; for a dropped connection it
    /// throws too, only to stop the operation from running (the answer is discarded).
    func authenticated(as principal: Principal) throws(AtlasFailure) {
        self.principal = principal.name
        guard let decision = self.faults.decide(method: self.method, path: self.path, principal: principal.name)
        else { return }
        self.fault = decision
        switch decision.rule.action {
        case .error: if let failure = decision.rule.failure(path: self.path) { throw failure }
        case .dropConnection: throw .api(.unexpectedError)
        case .proceed, .failRestoreJobs: return
        }
    }

    /// Whether jobs this request creates must end `FAILED` (a `failRestoreJobs` fault matched it).
    var failsCreatedJobs: Bool {
        if case .failRestoreJobs = self.fault?.rule.action { return true }
        return false
    }

    var dropsConnection: Bool {
        if case .dropConnection = self.fault?.rule.action { return true }
        return false
    }
}
