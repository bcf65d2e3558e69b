import AtlasMock
import AtlasMockHTTP
import Foundation
import Logging

// Servers on real sockets, each bound to port 0 and always shut down when the body returns or throws (an
// expectation that fails does not throw; it still reaches the shutdown).

/// Starts an `HTTPServer` for `handler` on `host` port 0 with `configure` applied, runs `body`, and shuts it down.
package func withHTTPServer<Result>(
    _ handler: some HTTPHandler, host: String = "127.0.0.1", configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (HTTPServer, BoundAddress) async throws -> Result
) async throws -> Result {
    var configuration = ServerConfiguration()
    configuration.host = host
    configuration.port = 0
    configure(&configuration)
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    let server = HTTPServer(configuration: configuration, handler: handler, logger: logger)
    let address = try server.start()
    defer { server.shutdownNow() }
    return try await body(server, address)
}

/// Starts the fake Atlas in process on port 0 (warnings only in the log), serving the default dataset with
/// `configure` applied, runs `body` with it and its port, and stops it.
package func withLiveAtlas<Result>(
    configure: (inout AtlasConfiguration) -> Void = { _ in }, _ body: (AtlasMockServer, Int) throws -> Result
) throws -> Result {
    var configuration = AtlasConfiguration()
    configuration.logLevel = .warning
    configure(&configuration)
    configuration.server.port = 0
    let server = try AtlasMockServer.start(configuration: configuration)
    defer { server.stop() }
    guard let address = server.address else { throw TestSupportError("AtlasMockServer started without an address") }
    return try body(server, address.port)
}

/// A running `atlas-mock` binary started as users start it, with `--port 0`.
package final class AtlasMockProcess {
    package let child: ChildProcess
    /// The `http://HOST:PORT` line the binary prints once it listens.
    package let url: String

    package init(_ arguments: [String], environment: [String: String] = [:]) async throws {
        self.child = try ChildProcess(Paths.binary, ["--port", "0"] + arguments, environment: environment)
        let deadline = Date().addingTimeInterval(20)
        var line: String?
        while line == nil {
            let output = self.child.stdout.text
            if let newline = output.firstIndex(of: "\n") {
                line = String(output[..<newline])
            } else if !self.child.process.isRunning || Date() > deadline {
                self.child.stop(grace: 1)
                throw TestSupportError(
                    "atlas-mock \(arguments) printed no URL; stderr: \(self.child.stderr.text)")
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        self.url = line!
    }

    /// The port from the printed URL.
    package var port: Int { Int(self.url.split(separator: ":").last ?? "") ?? 0 }

    package func stop() { self.child.stop() }
}

/// Starts `atlas-mock --port 0 <arguments>`, runs `body` with it, and always terminates it.
package func withAtlasMock<Result>(
    _ arguments: [String] = [], environment: [String: String] = [:],
    _ body: (AtlasMockProcess) async throws -> Result
) async throws -> Result {
    let server = try await AtlasMockProcess(arguments, environment: environment)
    defer { server.stop() }
    return try await body(server)
}
