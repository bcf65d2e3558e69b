import AtlasMock
import AtlasMockHTTP

/// Everything `serve` is configured with. Its initial values are the defaults: `--help` and the README's flag table
/// show them from here (most are `AtlasConfiguration`'s own), so a default is written once.
struct ServeSettings {
    static let defaults = ServeSettings()

    var atlas = AtlasConfiguration()
    var clockStart = ClockStart.now
    var freezeClock = false
    var fixturePaths: [String] = []
    var accessLog = AccessLogOutput.standardError
    var logFormat = LogFormat.text

    /// The configuration to serve with, the clock's start and freeze applied.
    var configuration: AtlasConfiguration {
        var configuration = self.atlas
        configuration.clock = self.clockStart.mode(frozen: self.freezeClock)
        return configuration
    }
}
