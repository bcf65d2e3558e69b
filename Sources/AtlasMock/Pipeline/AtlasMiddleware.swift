import AtlasMockHTTP

/// Something wrapped around the authenticated part of the Atlas pipeline (after `authenticate`, before `route`):
/// it may answer instead (an injected error), change what the rest does through the exchange, or pass on.
protocol AtlasMiddleware: Sendable {
    func respond(
        to exchange: AtlasExchange, next: (AtlasExchange) throws(AtlasFailure) -> HTTPServerResponse
    ) throws(AtlasFailure) -> HTTPServerResponse
}
