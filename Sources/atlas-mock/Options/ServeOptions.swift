import ArgumentParser
import AtlasMock
import AtlasMockHTTP
import FoundationEssentials
import Logging

/// The serve options: each declared here and described by its row in `Self.table` (flag, variable, help, where
/// its value goes), which `--help`, the resolution and the README test all read.
///
/// Adding a flag `--x` is a change to this file alone:
/// - declare `@Option(help: .serve("x")) var x: T?`, where `T: OptionValue` holds the text, parses it and names
///   what it expects (OptionValue.swift; write a new one if none fits), or `@Flag(help: .serve("x")) var x = false`;
/// - add its row to `table`: `ServeOption("x", "What it does.", given: { $0.x }, setting: \.atlas.someField)`
///   (`absent:` for a setting that is nil by default, `isSet:` for a flag, `paths:` for a repeatable path option). The
///   default is what `ServeSettings.defaults` holds at `setting` (usually `AtlasConfiguration`'s own default), and the
///   variable `ATLAS_MOCK_X` follows from the name.
/// Then add the README row: `ReadmeFlagTableTests` fails until the README's "Running it" table names the flag,
/// its variable and the same default.
struct ServeOptions: ParsableArguments {
    @Option(help: .serve("host")) var host: Host?
    @Option(help: .serve("port")) var port: PortOrOff?
    @Option(help: .serve("base-url")) var baseURL: BaseURL?
    @Option(help: .serve("auth")) var auth: AuthModeChoice?
    @Option(help: .serve("rate-limits")) var rateLimits: RateLimitModeChoice?
    @Flag(help: .serve("enforce-sunset")) var enforceSunset = false
    @Option(help: .serve("sunset-date")) var sunsetDate: CalendarDay?
    @Option(help: .serve("clock")) var clock: ClockStart.Argument?
    @Flag(help: .serve("freeze-clock")) var freezeClock = false
    @Option(help: .serve("fixtures")) var fixtures: [String] = []
    @Option(help: .serve("admin-token")) var adminToken: Token?
    @Option(help: .serve("journal-size")) var journalSize: JournalSize?
    @Option(help: .serve("nonce-lifetime")) var nonceLifetime: PositiveSeconds?
    @Option(help: .serve("restore-phases")) var restorePhases: RestorePhases?
    @Option(help: .serve("cluster-transitions")) var clusterTransitions: ClusterTransitions?
    @Option(help: .serve("shared-tier-migration")) var sharedTierMigration: SharedTierMigrationDate?
    @Option(help: .serve("max-connections")) var maxConnections: PositiveCount?
    @Option(help: .serve("drain-timeout")) var drainTimeout: Seconds?
    @Option(help: .serve("log-level")) var logLevel: LogLevelChoice?
    @Option(help: .serve("access-log")) var accessLog: AccessLogOutput.Argument?
    @Option(help: .serve("log-format")) var logFormat: LogFormatChoice?
    @Option(help: .serve("tls")) var tls: TLSMode?
    @Option(help: .serve("tls-cert")) var tlsCert: FilePath?
    @Option(help: .serve("tls-key")) var tlsKey: FilePath?
    @Option(help: .serve("tls-port")) var tlsPort: Port?
    @Option(help: .serve("tls-hostname")) var tlsHostname: [String] = []
    @Option(help: .serve("tls-ca-out")) var tlsCAOut: FilePath?

    /// Every bad value is reported here, before anything binds.
    func validate() throws {
        _ = try self.settings()
    }

    /// The options resolved in table order, each from its flag, else its variable, else its default; then the TLS
    /// options checked against each other.
    func settings() throws -> ServeSettings {
        let environment = ProcessInfo.processInfo.environment
        var settings = ServeSettings.defaults
        for option in Self.table {
            try option.resolve(self, environment, &settings)
        }
        _ = try settings.tls()
        return settings
    }

    /// One row per option, in the order `--help` lists them and errors are checked.
    static var table: [ServeOption] {
        [
            ServeOption(
                "host", "Address to bind: IPv4/IPv6 literal or name.", given: { $0.host },
                setting: \.atlas.server.host),
            ServeOption(
                "port", "Port to bind; 0 picks a free one; off serves https only.", given: { $0.port },
                setting: \.cleartextPort),
            ServeOption(
                "base-url", "Base URL for response links, e.g. https://cloud.mongodb.com.", given: { $0.baseURL },
                setting: \.atlas.baseURL, absent: "from Host"),
            ServeOption(
                "auth", "strict: enforce credentials, roles and access lists; off: everyone is an org owner.",
                given: { $0.auth }, setting: \.atlas.authMode),
            ServeOption(
                "rate-limits",
                "Atlas's token buckets: headers (Ratelimit-* only), enforce (also 429 when empty) or off.",
                given: { $0.rateLimits }, setting: \.atlas.rateLimits),
            ServeOption(
                "enforce-sunset",
                "Answer the deprecated tenant endpoints 410 VERSION_GONE once the clock passes the sunset date.",
                isSet: { $0.enforceSunset }, setting: \.atlas.deprecation.enforceSunset),
            ServeOption(
                "sunset-date", "Sunset date of the tenant endpoints, YYYY-MM-DD.", given: { $0.sunsetDate },
                setting: \.atlas.deprecation.sunset),
            ServeOption(
                "clock", "Server clock start: 'now', an RFC 3339 instant, or an offset like +36h, -7d, +90m.",
                given: { $0.clock }, setting: \.clockStart),
            ServeOption(
                "freeze-clock", "Keep the server clock still (move it with PUT /__admin/clock).",
                isSet: { $0.freezeClock }, setting: \.freezeClock),
            ServeOption(
                "fixtures", "Fixture file or directory of *.json; repeatable (the variable: ':'-separated).",
                paths: { $0.fixtures }, setting: \.fixturePaths, absent: "embedded dataset"),
            ServeOption(
                "admin-token", "Require 'Authorization: Bearer <token>' on /__admin/ routes except health.",
                given: { $0.adminToken }, setting: \.atlas.adminToken, absent: "none"),
            ServeOption(
                "journal-size", "Requests kept by GET /__admin/requests.", given: { $0.journalSize },
                setting: \.atlas.journalCapacity),
            ServeOption(
                "nonce-lifetime", "Seconds a Digest nonce stays valid.", given: { $0.nonceLifetime },
                setting: \.atlas.nonceLifetime),
            ServeOption(
                "restore-phases", "Seconds created restore jobs spend PENDING,QUEUED,RUNNING.",
                given: { $0.restorePhases },
                setting: \.atlas.restorePhases),
            ServeOption(
                "cluster-transitions",
                "Seconds a cluster create, update or delete takes, per kind: flex=S,tenant=S,dedicated=S (0: instant).",
                given: { $0.clusterTransitions }, setting: \.atlas.clusterTransitions),
            ServeOption(
                "shared-tier-migration",
                "When M2/M5 clusters become Flex clusters (origin migratedFromShared): off, YYYY-MM-DD or an instant.",
                given: { $0.sharedTierMigration }, setting: \.atlas.sharedTierMigration),
            ServeOption(
                "max-connections", "Open connections beyond this are answered 503.", given: { $0.maxConnections },
                setting: \.atlas.server.maxConnections),
            ServeOption(
                "drain-timeout", "Seconds in-flight requests get after SIGTERM before exit.",
                given: { $0.drainTimeout },
                setting: \.atlas.server.drainTimeout),
            ServeOption(
                "log-level",
                "trace, debug, info (one access-log line per request), notice, warning, error, critical.",
                given: { $0.logLevel }, setting: \.atlas.logLevel),
            ServeOption(
                "access-log",
                "Access log (one line per request at info): stderr, off, or a file PATH to append to.",
                given: { $0.accessLog }, setting: \.accessLog),
            ServeOption(
                "log-format", "Log line format: text, or json (one JSON object per line).", given: { $0.logFormat },
                setting: \.logFormat),
            ServeOption(
                "tls",
                "self-signed: serve https with a CA and certificate generated at start for localhost, 127.0.0.1, ::1 "
                    + "and each --tls-hostname.", given: { $0.tls }, setting: \.selfSigned),
            ServeOption(
                "tls-cert", "PEM certificate chain (server certificate first) to serve https with; needs --tls-key.",
                given: { $0.tlsCert }, setting: \.tlsCertificate, absent: "none"),
            ServeOption(
                "tls-key", "PEM private key of --tls-cert, unencrypted.", given: { $0.tlsKey }, setting: \.tlsKey,
                absent: "none"),
            ServeOption(
                "tls-port", "https port beside --port (with --tls or --tls-cert); 0 picks a free one.",
                given: { $0.tlsPort }, setting: \.tlsPort, absent: String(ServeSettings.defaultTLSPort)),
            ServeOption(
                "tls-hostname",
                "Another DNS name or IP address for the self-signed certificate; repeatable (the variable: ','-separated).",
                repeated: { $0.tlsHostname }, as: NameList.self, setting: \.tlsHostnames, absent: "none"),
            ServeOption(
                "tls-ca-out", "Write the self-signed CA certificate (PEM) here, for clients to trust.",
                given: { $0.tlsCAOut }, setting: \.tlsCAOutput, absent: "none"),
        ]
    }
}
