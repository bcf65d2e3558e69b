import AtlasMock
import AtlasMockHTTP

/// Everything `serve` is configured with. Its initial values are the defaults: `--help` and the README's flag table
/// show them from here (most are `AtlasConfiguration`'s own), so a default is written once.
struct ServeSettings {
    static let defaults = ServeSettings()
    /// Where https listens when `--tls-port` is not given.
    static let defaultTLSPort = 8443

    var atlas = AtlasConfiguration()
    var clockStart = ClockStart.now
    var freezeClock = false
    var fixturePaths: [String] = []
    var accessLog = AccessLogOutput.standardError
    var logFormat = LogFormat.text
    /// The cleartext port; nil (`--port off`) serves https only.
    var cleartextPort: Int? = ServerConfiguration().port
    var selfSigned = false
    var tlsCertificate: String?
    var tlsKey: String?
    /// Nil until given, so that it can be refused without TLS; TLS then listens on `defaultTLSPort`.
    var tlsPort: Int?
    var tlsHostnames: [String] = []
    var tlsCAOutput: String?

    /// The configuration to serve with, the clock's start and freeze and the cleartext port applied (the TLS
    /// listener is added once its certificate is built, see `tls()`).
    var configuration: AtlasConfiguration {
        var configuration = self.atlas
        configuration.clock = self.clockStart.mode(frozen: self.freezeClock)
        configuration.server.port = self.cleartextPort ?? 0
        configuration.server.servesCleartext = self.cleartextPort != nil
        return configuration
    }
}
