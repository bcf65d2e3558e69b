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
    let address = try server.start()[0]
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
    /// The `http://HOST:PORT` line the binary prints once it listens (the `https://` one when it serves only TLS).
    package let url: String
    /// Every URL it printed, cleartext first. They come in one write, so the first line brings the others.
    package let urls: [String]

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
        self.urls = self.child.stdout.text.split(separator: "\n").map(String.init)
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

// Requests a test wants in flight at a known moment (a SIGTERM test): the server holds them with a fault rule that
// the requests use up, so "every one has arrived" is read off the server instead of guessed with a sleep.
extension AtlasMockProcess {
    private static let heldRuleId = "held-by-test"

    /// Makes the server hold the next `count` authenticated Atlas requests to paths matching `path` (a fault-rule
    /// glob) for `delayMs` before answering them.
    package func holdRequests(matching path: String, count: Int, delayMs: Int) throws {
        let rule = #"{"id":"\#(Self.heldRuleId)","path":"\#(path)","delayMs":\#(delayMs),"times":\#(count)}"#
        let added = try RawHTTPClient.send(port: self.port, "POST", "/__admin/faults", body: rule)
        guard added.status == 201 else { throw TestSupportError("the fault rule was refused: \(added)") }
    }

    /// Waits until all the requests `holdRequests` asked for have reached the server (their rule is used up, so
    /// each one's answer is now scheduled `delayMs` after its arrival); throws after `timeout` seconds.
    package func waitUntilHeld(timeout: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let rules = try RawHTTPClient.send(port: self.port, "GET", "/__admin/faults").json()["faults"]
            guard let rules = rules as? [[String: Any]] else { throw TestSupportError("no fault list: \(rules ?? "")") }
            if !rules.contains(where: { $0["id"] as? String == Self.heldRuleId }) { return }
            guard Date() < deadline else { throw TestSupportError("the held requests did not arrive in \(timeout) s") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until the server has written `text` to its standard error; throws after `timeout` seconds.
    package func waitForLog(_ text: String, timeout: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !self.child.stderr.text.contains(text) {
            guard Date() < deadline else {
                throw TestSupportError("no \(text.debugDescription) in \(timeout) s; stderr: \(self.child.stderr.text)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
