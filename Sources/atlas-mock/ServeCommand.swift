import ArgumentParser
import AtlasMock
import AtlasMockHTTP
import Dispatch
import FoundationEssentials
import Glibc
import Logging

/// Serves the fake Atlas until SIGTERM/SIGINT.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the fake Atlas (the default command).")

    @Option(help: "Address to bind: IPv4/IPv6 literal or name. [ATLAS_MOCK_HOST, default 127.0.0.1]")
    var host: String?
    @Option(help: "Port to bind; 0 picks a free one; off serves https only. [ATLAS_MOCK_PORT, default 8080]")
    var port: String?
    @Option(help: "Base URL for response links, e.g. https://cloud.mongodb.com. [ATLAS_MOCK_BASE_URL, default: from Host]")
    var baseURL: String?
    @Option(help: "strict: enforce credentials, roles and access lists; off: everyone is an org owner. [ATLAS_MOCK_AUTH, default strict]")
    var auth: String?
    @Flag(help: "Answer the deprecated tenant endpoints 410 VERSION_GONE once the clock passes the sunset date. [ATLAS_MOCK_ENFORCE_SUNSET]")
    var enforceSunset = false
    @Option(help: "Sunset date of the tenant endpoints, YYYY-MM-DD. [ATLAS_MOCK_SUNSET_DATE, default 2026-01-22]")
    var sunsetDate: String?
    @Option(help: "Server clock start: 'now', an RFC 3339 instant, or an offset like +36h, -7d, +90m. [ATLAS_MOCK_CLOCK, default now]")
    var clock: String?
    @Flag(help: "Keep the server clock still (move it with PUT /__admin/clock). [ATLAS_MOCK_FREEZE_CLOCK]")
    var freezeClock = false
    @Option(help: "Fixture file or directory of *.json; repeatable. [ATLAS_MOCK_FIXTURES, ':'-separated, default: embedded dataset]")
    var fixtures: [String] = []
    @Option(help: "Require 'Authorization: Bearer <token>' on /__admin/ routes except health. [ATLAS_MOCK_ADMIN_TOKEN]")
    var adminToken: String?
    @Option(help: "Requests kept by GET /__admin/requests. [ATLAS_MOCK_JOURNAL_SIZE, default 1000]")
    var journalSize: String?
    @Option(help: "Seconds a Digest nonce stays valid. [ATLAS_MOCK_NONCE_LIFETIME, default 300]")
    var nonceLifetime: String?
    @Option(help: "Seconds created restore jobs spend PENDING,QUEUED,RUNNING. [ATLAS_MOCK_RESTORE_PHASES, default 2,3,10]")
    var restorePhases: String?
    @Option(help: "Open connections beyond this are answered 503. [ATLAS_MOCK_MAX_CONNECTIONS, default 1024]")
    var maxConnections: String?
    @Option(help: "Seconds in-flight requests get after SIGTERM before exit. [ATLAS_MOCK_DRAIN_TIMEOUT, default 10]")
    var drainTimeout: String?
    @Option(help: "trace, debug, info (one access-log line per request), notice, warning, error, critical. [ATLAS_MOCK_LOG_LEVEL, default info]")
    var logLevel: String?
    @OptionGroup(title: "HTTPS")
    var tlsOptions: TLSOptions

    private struct Settings {
        var configuration: AtlasConfiguration
        var fixturePaths: [String]
        var tls: TLSOptions.Settings?
    }

    /// Every bad value is reported here, before anything binds.
    func validate() throws {
        _ = try self.settings()
    }

    private func settings() throws -> Settings {
        let env = EnvironmentValue()
        var configuration = AtlasConfiguration()
        configuration.server.host = try env.resolve(
            flag: "host", variable: "ATLAS_MOCK_HOST", given: self.host, default: "127.0.0.1", expected: "a host"
        ) { $0.isEmpty ? nil : $0 }
        let port = try env.resolve(
            flag: "port", variable: "ATLAS_MOCK_PORT", given: self.port, default: 8080 as Int?,
            expected: "a port (0-65535) or off"
        ) { text -> Int?? in
            if text == "off" { return .some(nil) }
            guard let port = Int(text), (0...65535).contains(port) else { return nil }
            return port
        }
        let tls = try self.tlsOptions.settings(env)
        if port == nil && tls == nil {
            throw ValidationError("--port off needs --tls self-signed or --tls-cert and --tls-key")
        }
        configuration.server.port = port ?? 0
        configuration.server.servesCleartext = port != nil
        configuration.baseURL = try env.resolve(
            flag: "base-url", variable: "ATLAS_MOCK_BASE_URL", given: self.baseURL, default: nil as String?,
            expected: "an http(s) URL without a trailing slash"
        ) { ($0.hasPrefix("http://") || $0.hasPrefix("https://")) && !$0.hasSuffix("/") ? $0 : nil }
        configuration.authMode = try env.resolve(
            flag: "auth", variable: "ATLAS_MOCK_AUTH", given: self.auth, default: .strict, expected: "strict or off"
        ) { AtlasConfiguration.AuthMode(rawValue: $0) }
        configuration.deprecation.enforceSunset = try self.enforceSunset || env.resolve(
            flag: "enforce-sunset", variable: "ATLAS_MOCK_ENFORCE_SUNSET", given: nil, default: false,
            expected: "true or false", parse: Self.parseBool)
        configuration.deprecation.sunset = try env.resolve(
            flag: "sunset-date", variable: "ATLAS_MOCK_SUNSET_DATE", given: self.sunsetDate,
            default: DeprecationPolicy.documentedSunset, expected: "a date YYYY-MM-DD"
        ) { text in
            guard text.count == 10, Self.isCalendarDate(text) else { return nil }
            return try? Date.ISO8601FormatStyle().year().month().day().parse(text)
        }
        let freeze = try self.freezeClock || env.resolve(
            flag: "freeze-clock", variable: "ATLAS_MOCK_FREEZE_CLOCK", given: nil, default: false,
            expected: "true or false", parse: Self.parseBool)
        let start = try env.resolve(
            flag: "clock", variable: "ATLAS_MOCK_CLOCK", given: self.clock, default: Date(),
            expected: "'now', an RFC 3339 instant or an offset like +36h", parse: Self.parseClock)
        configuration.clock = freeze ? .frozen(start) : .running(offset: start.timeIntervalSinceNow)
        configuration.adminToken = try env.resolve(
            flag: "admin-token", variable: "ATLAS_MOCK_ADMIN_TOKEN", given: self.adminToken, default: nil as String?,
            expected: "a non-empty token") { $0.isEmpty ? nil : $0 }
        configuration.journalCapacity = try env.resolve(
            flag: "journal-size", variable: "ATLAS_MOCK_JOURNAL_SIZE", given: self.journalSize, default: 1000,
            expected: "a whole number from 1 to 1000000") { Int($0).flatMap { (1...1_000_000).contains($0) ? $0 : nil } }
        configuration.nonceLifetime = try env.resolve(
            flag: "nonce-lifetime", variable: "ATLAS_MOCK_NONCE_LIFETIME", given: self.nonceLifetime, default: 300,
            expected: "a positive number of seconds") { TimeInterval($0).flatMap { $0 > 0 ? $0 : nil } }
        configuration.restorePhases = try env.resolve(
            flag: "restore-phases", variable: "ATLAS_MOCK_RESTORE_PHASES", given: self.restorePhases,
            default: RestorePhaseDurations(), expected: "three non-negative seconds like 2,3,10"
        ) { text in
            let parts = text.split(separator: ",").compactMap { TimeInterval($0.trimmingOptionalWhitespace()) }
            guard parts.count == 3, parts.allSatisfy({ $0 >= 0 }) else { return nil }
            return RestorePhaseDurations(pending: parts[0], queued: parts[1], running: parts[2])
        }
        configuration.server.maxConnections = try env.resolve(
            flag: "max-connections", variable: "ATLAS_MOCK_MAX_CONNECTIONS", given: self.maxConnections, default: 1024,
            expected: "a positive whole number") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        configuration.server.drainTimeout = try env.resolve(
            flag: "drain-timeout", variable: "ATLAS_MOCK_DRAIN_TIMEOUT", given: self.drainTimeout,
            default: .seconds(10), expected: "a non-negative number of seconds"
        ) { Double($0).flatMap { $0 >= 0 ? .milliseconds(Int($0 * 1000)) : nil } }
        configuration.logLevel = try env.resolve(
            flag: "log-level", variable: "ATLAS_MOCK_LOG_LEVEL", given: self.logLevel, default: .info,
            expected: "one of trace, debug, info, notice, warning, error, critical") { Logger.Level(rawValue: $0) }
        var paths = self.fixtures
        if paths.isEmpty, let variable = env.environment["ATLAS_MOCK_FIXTURES"], !variable.isEmpty {
            paths = variable.split(separator: ":").map(String.init)
        }
        return Settings(configuration: configuration, fixturePaths: paths, tls: tls)
    }

    func run() throws {
        var settings = try self.settings()
        let level = settings.configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
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
        if let tls = settings.tls {
            settings.configuration.server.tls = try Self.makeTLS(tls)
        }
        let server = AtlasMockServer(configuration: settings.configuration, fixtures: fixtures, logger: logger)
        // Installed on the main thread before any server thread exists, so those threads inherit the blocked signals.
        let signals = TerminationSignals(server: server.httpServer, logger: logger) { status in
            Glibc.exit(status)
        }
        do {
            try server.start()
            // The lines scripts read to learn the ports (`--port 0`), cleartext first, so those reading one line
            // keep getting the http:// URL.
            StandardStreams.output(server.urls.map { $0 + "\n" }.joined())
        } catch {
            StandardStreams.error("atlas-mock: \(error)\n")
            throw ExitCode(1)
        }
        withExtendedLifetime(signals) { dispatchMain() }
    }

    /// The certificate, and the generated CA written where `--tls-ca-out` asks (atomically, so a test waiting for
    /// the file never reads half of it); either failing is a start-up error, exit 2.
    private static func makeTLS(_ settings: TLSOptions.Settings) throws -> ServerConfiguration.TLS {
        let identity: TLSIdentity
        do {
            identity = try settings.makeIdentity()
        } catch {
            StandardStreams.error("atlas-mock: TLS: \(error)\n")
            throw ExitCode(2)
        }
        if let path = settings.caOutput, let pem = identity.certificateAuthorityPEM {
            do {
                try Data(pem.utf8).write(to: URL(filePath: path), options: .atomic)
            } catch {
                StandardStreams.error("atlas-mock: --tls-ca-out \(path): cannot write it (\(error))\n")
                throw ExitCode(2)
            }
        }
        return ServerConfiguration.TLS(port: settings.port, identity: identity)
    }

    private static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: return nil
        }
    }

    /// `now`, an RFC 3339 instant, or a signed offset from now in s, m, h or d.
    private static func parseClock(_ text: String) -> Date? {
        if text == "now" { return Date() }
        if let first = text.first, first == "+" || first == "-", let unit = text.last,
            let amount = Double(text.dropFirst().dropLast())
        {
            let seconds: Double? = ["s": 1, "m": 60, "h": 3600, "d": 86400][String(unit)].map { amount * $0 }
            return seconds.map { Date().addingTimeInterval(first == "-" ? -$0 : $0) }
        }
        guard Self.isCalendarDate(String(text.prefix(10))) else { return nil }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// Whether `YYYY-MM-DD` names a real day: Foundation's parser rolls impossible days over (2026-02-30 becomes
    /// March 2), so the date must format back to the same text.
    private static func isCalendarDate(_ text: String) -> Bool {
        let style = Date.ISO8601FormatStyle().year().month().day()
        guard let date = try? style.parse(text) else { return false }
        return style.format(date) == text
    }
}
