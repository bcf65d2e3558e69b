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
        var configuration = settings.configuration
        let level = configuration.logLevel
        // Every log line goes through a sink drained by its own thread: a stalled stderr never stalls serving.
        let errorSink = LogSink.standardError(format: settings.logFormat)
        var sinks = [errorSink]
        LoggingSystem.bootstrap { label in
            SinkLogHandler(label: label, sink: errorSink, logLevel: level)
        }
        let logger = Logger(label: "atlas-mock")
        // Access-log lines are info lines: a level above info silences them wherever they would go.
        switch level <= .info ? settings.accessLog : .off {
        case .off:
            configuration.server.accessLog = .off
        case .standardError:
            configuration.server.accessLog = AccessLog(sink: errorSink)
        case .file(let path):
            do {
                let sink = try LogSink.file(path: path, format: settings.logFormat)
                sinks.append(sink)
                configuration.server.accessLog = AccessLog(sink: sink)
            } catch {
                StandardStreams.error("atlas-mock: --access-log (ATLAS_MOCK_ACCESS_LOG): \(error)\n")
                throw ExitCode(2)
            }
        }
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
        // After the drain, lines still queued get up to the drain timeout to be written (more only helps a stalled
        // output, which would block the exit for good). A second signal exits without waiting.
        let flushTimeout = configuration.server.drainTimeout
        // Installed on the main thread before any server thread exists, so those threads inherit the blocked signals.
        let signals = TerminationSignals(server: server.httpServer, logger: logger) { [sinks] status in
            if status == 0 {
                for sink in sinks { sink.flush(timeout: flushTimeout) }
            }
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
