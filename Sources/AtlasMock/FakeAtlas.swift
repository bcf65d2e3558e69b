import AtlasMockHTTP
import FoundationEssentials

/// The fake Atlas, assembled: the Atlas API pipeline wrapped in fault injection and the request journal, and the
/// admin API beside it. It knows Atlas, not sockets: the transport hands it requests (`HTTPHandler`).
public final class FakeAtlas: HTTPHandler {
    let store: AtlasStore
    let clock: MockClock
    let nonces: NonceRegistry
    let tokens: TokenRegistry
    let faults: FaultInjector
    let journal: RequestJournal
    let rateLimiter: RateLimiter
    private let pipeline: AtlasPipeline
    private let journaling: RequestJournaling
    private let admin: AdminAPI

    /// Starts with the data and fault rules of `fixtures` (what `POST /__admin/reset` goes back to);
    /// `dataReplaced` runs after admin calls that replace the data (the server returns freed memory then).
    public init(
        configuration: AtlasConfiguration, fixtures: Fixtures, dataReplaced: @escaping @Sendable () -> Void = {}
    ) {
        self.store = AtlasStore(dataset: fixtures.dataset)
        self.clock = MockClock(configuration.clock)
        self.nonces = NonceRegistry(clock: self.clock, lifetime: configuration.nonceLifetime)
        self.tokens = TokenRegistry(clock: self.clock)
        self.faults = FaultInjector(initial: fixtures.faults)
        self.journal = RequestJournal(capacity: configuration.journalCapacity)
        self.rateLimiter = RateLimiter(mode: configuration.rateLimits)
        let authenticator = Authenticator(
            mode: configuration.authMode, store: self.store, nonces: self.nonces, tokens: self.tokens)
        self.pipeline = AtlasPipeline(
            operations: AtlasRoutes.all, authenticator: authenticator,
            middleware: [FaultInjection(faults: self.faults)],
            services: OperationServices(
                store: self.store, clock: self.clock, tokens: self.tokens, settings: OperationSettings(configuration)),
            renderer: ResponseRenderer(authenticator: authenticator), deprecation: configuration.deprecation,
            rateLimiter: self.rateLimiter, baseURL: configuration.baseURL)
        self.journaling = RequestJournaling(journal: self.journal)
        self.admin = AdminAPI(
            services: AdminServices(
                store: self.store, clock: self.clock, initialClock: configuration.clock, faults: self.faults,
                journal: self.journal, tokens: self.tokens, nonces: self.nonces, rateLimiter: self.rateLimiter,
                dataReplaced: dataReplaced),
            adminToken: configuration.adminToken)
    }

    public func handle(_ request: HTTPServerRequest, reply: @escaping @Sendable (HTTPServerReply) -> Void) {
        if AdminAPI.handles(request.path) { return reply(.response(self.admin.respond(to: request))) }
        let exchange = AtlasExchange(request: request, received: self.clock.now())
        self.journaling.deliver(self.pipeline.respond(to: exchange), for: exchange, reply: reply)
    }

    public func responseForFailure(_ error: any Error, request: HTTPServerRequest) -> HTTPServerResponse {
        self.pipeline.renderer.failure(.api(.unexpectedError))
    }

    /// The Atlas API alone, without faults' delays and the journal (for tests).
    func respond(to request: HTTPServerRequest) -> HTTPServerResponse {
        self.pipeline.respond(to: AtlasExchange(request: request, received: self.clock.now()))
    }

    /// The admin API alone (for tests).
    func respondAdmin(to request: HTTPServerRequest) -> HTTPServerResponse {
        self.admin.respond(to: request)
    }
}
