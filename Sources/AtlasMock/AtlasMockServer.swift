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
public final class AtlasMockServer: Sendable {
    public let atlas: FakeAtlas
    /// The transport, for signal handling (`TerminationSignals`) and graceful shutdown.
    public let httpServer: HTTPServer
    /// Invariant: set once, by `start()`.
    private let boundAddress = Mutex<BoundAddress?>(nil)

    /// Builds the server without binding; `start()` binds. `dataReplaced` runs after admin calls that leave the
    /// previous data as garbage (the executable hands freed memory back to the system then).
    public init(
        configuration: AtlasConfiguration = AtlasConfiguration(), fixtures: Fixtures = .default,
        logger: Logger = Logger(label: "atlas-mock"), dataReplaced: @escaping @Sendable () -> Void = {}
    ) {
        self.atlas = FakeAtlas(configuration: configuration, fixtures: fixtures, dataReplaced: dataReplaced)
        self.httpServer = HTTPServer(configuration: configuration.server, handler: self.atlas, logger: logger)
    }

    /// Binds and starts serving; returns the base URL clients should use (`http://HOST:PORT`).
    @discardableResult
    public func start() throws -> String {
        let address = try self.httpServer.start()
        self.boundAddress.withLock { $0 = address }
        return address.urlString
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

    /// The address bound by `start()`.
    public var address: BoundAddress? { self.boundAddress.withLock { $0 } }

    /// The base URL clients should use (`http://HOST:PORT`); empty before `start()`.
    public var url: String { self.address?.urlString ?? "" }

    /// Stops at once, closing every connection.
    public func stop() {
        self.httpServer.shutdownNow()
    }

    /// Stops accepting, lets in-flight requests finish (up to the drain timeout), then calls `completion`.
    public func shutdown(completion: @escaping @Sendable () -> Void) {
        self.httpServer.shutdown(completion: completion)
    }
}
