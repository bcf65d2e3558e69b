import AtlasMockHTTP

/// Applies the admin API's fault rules to authenticated Atlas requests: a matching rule answers with its error,
/// marks the connection to be dropped, delays the reply, or makes the jobs the request creates fail. The delay and
/// the drop are carried out by `RequestJournaling` when the reply is delivered.
struct FaultInjection: AtlasMiddleware {
    let faults: FaultInjector

    func respond(
        to exchange: AtlasExchange, next: (AtlasExchange) throws(AtlasFailure) -> HTTPServerResponse
    ) throws(AtlasFailure) -> HTTPServerResponse {
        let request = exchange.request
        guard let principal = exchange.principal,
            let decision = self.faults.decide(
                method: request.head.method.rawValue, path: request.path, principal: principal.name)
        else { return try next(exchange) }
        exchange.fault = decision.rule.id
        exchange.delayMilliseconds = decision.delayMilliseconds
        switch decision.rule.action {
        case .error:
            if let failure = decision.rule.failure(path: request.path) { throw failure }
        case .dropConnection:
            // The answer is discarded; failing here only keeps the operation from running.
            exchange.dropsConnection = true
            throw .api(.unexpectedError)
        case .failRestoreJobs:
            exchange.failsCreatedJobs = true
        case .proceed:
            break
        }
        return try next(exchange)
    }
}
