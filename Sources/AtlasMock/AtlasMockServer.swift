import AtlasMockHTTP
import FoundationEssentials
import Logging
import Synchronization

/// A running atlas-mock: the fake Atlas behind the HTTP transport. The executable uses it, and so can a Swift
/// test suite that wants the fake in-process:
///
/// ```swift
/// var configuration = AtlasConfiguration()
/// configuration.server.port = 0
/// let server = try AtlasMockServer.start(configuration: configuration)
/// defer { server.stop() }
/// let url = server.url   // "http://127.0.0.1:54321"
/// ```
///
/// With `configuration.server.tls` set it also serves https (see `tlsURL`, `certificateAuthorityPEM`).
public final class AtlasMockServer: Sendable {
    public let atlas: FakeAtlas
    /// The transport, for signal handling (`TerminationSignals`) and graceful shutdown.
    public let httpServer: HTTPServer
    /// Invariant: set once, by `start()`; cleartext first.
    private let boundAddresses = Mutex<[BoundAddress]>([])
    /// The CA to trust for the https URL, when the server generated its certificate.
    public let certificateAuthorityPEM: String?

    /// Builds the server without binding; `start()` binds. `dataReplaced` runs after admin calls that leave the
    /// previous data as garbage (the executable hands freed memory back to the system then).
    public init(
        configuration: AtlasConfiguration = AtlasConfiguration(), fixtures: Fixtures = .default,
        logger: Logger = Logger(label: "atlas-mock"), dataReplaced: @escaping @Sendable () -> Void = {}
    ) {
        self.atlas = FakeAtlas(configuration: configuration, fixtures: fixtures, dataReplaced: dataReplaced)
        self.certificateAuthorityPEM = configuration.server.tls?.identity.certificateAuthorityPEM
        self.httpServer = HTTPServer(configuration: configuration.server, handler: self.atlas, logger: logger)
    }

    /// Binds and starts serving; returns the base URL clients should use: `http://HOST:PORT`, or the https one
    /// when only TLS is served.
    @discardableResult
    public func start() throws -> String {
        let addresses = try self.httpServer.start()
        self.boundAddresses.withLock { $0 = addresses }
        return addresses[0].urlString
    }

    /// Builds and starts a server serving `fixtures` (the embedded default dataset unless given).
    public static func start(
        configuration: AtlasConfiguration = AtlasConfiguration(), fixtures: Fixtures = .default,
        logger: Logger = Logger(label: "atlas-mock")
    ) throws -> AtlasMockServer {
        let server = AtlasMockServer(configuration: configuration, fixtures: fixtures, logger: logger)
        try server.start()
        return server
    }

    /// Loads fixture files (or directories of them) and starts serving them.
    public static func start(
        configuration: AtlasConfiguration = AtlasConfiguration(), fixtureFiles: [String],
        logger: Logger = Logger(label: "atlas-mock")
    ) throws -> AtlasMockServer {
        try self.start(configuration: configuration, fixtures: try FixtureLoader.load(paths: fixtureFiles), logger: logger)
    }

    /// The first address bound by `start()` (the cleartext one when there is one).
    public var address: BoundAddress? { self.boundAddresses.withLock { $0.first } }

    /// The base URL `start()` returned (`http://HOST:PORT`); empty before `start()`.
    public var url: String { self.address?.urlString ?? "" }

    /// Every base URL served, cleartext first; empty before `start()`.
    public var urls: [String] { self.boundAddresses.withLock { $0.map(\.urlString) } }

    /// The https base URL (`https://HOST:PORT`), when TLS is served and the server started.
    public var tlsURL: String? { self.boundAddresses.withLock { $0.first(where: \.isTLS)?.urlString } }

    /// Stops at once, closing every connection.
    public func stop() {
        self.httpServer.shutdownNow()
    }

    /// Stops accepting, lets in-flight requests finish (up to the drain timeout), then calls `completion`.
    public func shutdown(completion: @escaping @Sendable () -> Void) {
        self.httpServer.shutdown(completion: completion)
    }
}
