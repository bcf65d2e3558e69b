import ArgumentParser
import AtlasMockHTTP
import FoundationEssentials

/// The container HEALTHCHECK: exits 0 when `GET /__admin/health` answers 200, 1 otherwise. It speaks HTTP over
/// a plain socket (or TLS, unverified) so the runtime image needs no curl.
struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Exit 0 if a running atlas-mock answers its health check.")

    @Option(help: ArgumentHelp(Self.urlHelp))
    var url: String?

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Double = 2

    /// The variables and defaults `serve` reads for its ports, from its option table.
    private static let portVariable = ServeOption.variable(for: "port")
    private static let tlsPortVariable = ServeOption.variable(for: "tls-port")

    private static var urlHelp: String {
        let port = ServeSettings.defaults.cleartextPort.map(String.init) ?? "off"
        return "Server to probe, http:// or https:// (the certificate is not verified). [default "
            + "http://127.0.0.1:$\(Self.portVariable), port \(port) if unset; https://127.0.0.1:$\(Self.tlsPortVariable) "
            + "(\(ServeSettings.defaultTLSPort)) if \(Self.portVariable) is off]"
    }

    /// Where `serve` listens when started with the same environment: its cleartext port, or with that port `off`
    /// its https port. Text `serve` would refuse is passed over for the default.
    static func defaultURL(environment: [String: String]) -> String {
        let cleartext = environment[Self.portVariable].flatMap(PortOrOff.parse) ?? ServeSettings.defaults.cleartextPort
        if let port = cleartext { return "http://127.0.0.1:\(port)" }
        let port = environment[Self.tlsPortVariable].flatMap(Port.parse) ?? ServeSettings.defaultTLSPort
        return "https://127.0.0.1:\(port)"
    }

    func run() throws {
        let base = self.url ?? Self.defaultURL(environment: ProcessInfo.processInfo.environment)
        guard let components = URLComponents(string: base), let scheme = components.scheme,
            scheme == "http" || scheme == "https", let host = components.host
        else { throw ValidationError("--url: '\(base)' is not an http(s)://HOST:PORT URL") }
        let overTLS = scheme == "https"
        let port = components.port ?? (overTLS ? 443 : 80)
        do {
            let status = try HTTPProbe.status(
                host: host, port: port, path: "/__admin/health", timeout: self.timeout, overTLS: overTLS)
            guard status == 200 else {
                StandardStreams.error("unhealthy: \(base)/__admin/health answered \(status)\n")
                throw ExitCode(1)
            }
            print("healthy: \(base)")
        } catch let error as ExitCode {
            throw error
        } catch {
            StandardStreams.error("unhealthy: \(base): \(error)\n")
            throw ExitCode(1)
        }
    }
}
