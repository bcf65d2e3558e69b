import ArgumentParser
import AtlasMock
import AtlasMockHTTP
import Dispatch
import Glibc
import Logging

/// Serves the fake Atlas until SIGTERM/SIGINT.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the fake Atlas (the default command).")

    /// Checked (`ServeOptions.validate`) before `run`, so a bad value is reported before anything binds.
    @OptionGroup var options: ServeOptions

    func run() throws {
        let settings = try self.options.settings()
        let configuration = settings.configuration
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        let logger = Logger(label: "atlas-mock")
        let fixtures: Fixtures
        do {
            fixtures = settings.fixturePaths.isEmpty ? .default : try FixtureLoader.load(paths: settings.fixturePaths)
        } catch {
            for problem in error.errors { StandardStreams.error("\(problem)\n") }
            StandardStreams.error("atlas-mock: \(error.errors.count) fixture error(s); not serving\n")
            throw ExitCode(2)
        }
        // Fixture loads leave their parse behind as freed heap, which glibc would keep resident: a long-running
        // process hands it back, after start-up and after each admin load or reset.
        let server = AtlasMockServer(configuration: configuration, fixtures: fixtures, logger: logger) {
            FreedMemory.returnToSystemSoon()
        }
        // Installed on the main thread before any server thread exists, so those threads inherit the blocked signals.
        let signals = TerminationSignals(server: server.httpServer, logger: logger) { status in
            Glibc.exit(status)
        }
        do {
            let url = try server.start()
            FreedMemory.returnToSystemSoon()
            // The one line scripts read to learn the port (`--port 0`).
            StandardStreams.output(url + "\n")
        } catch {
            StandardStreams.error("atlas-mock: \(error)\n")
            throw ExitCode(1)
        }
        withExtendedLifetime(signals) { dispatchMain() }
    }
}
