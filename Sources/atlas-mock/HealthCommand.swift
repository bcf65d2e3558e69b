import ArgumentParser
import AtlasMockHTTP
import FoundationEssentials

/// The container HEALTHCHECK: exits 0 when `GET /__admin/health` answers 200, 1 otherwise. It speaks HTTP over
/// a plain socket (or TLS, unverified) so the runtime image needs no curl.
struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Exit 0 if a running atlas-mock answers its health check.")

    @Option(help: "Server to probe, http:// or https:// (the certificate is not verified). [default http://127.0.0.1:$ATLAS_MOCK_PORT, port 8080 if unset; https://127.0.0.1:$ATLAS_MOCK_TLS_PORT (8443) if ATLAS_MOCK_PORT is off]")
    var url: String?

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Double = 2

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let base: String
        if let url = self.url {
            base = url
        } else if environment["ATLAS_MOCK_PORT"] == "off" {
            base = "https://127.0.0.1:\(environment["ATLAS_MOCK_TLS_PORT"].flatMap(Int.init) ?? 8443)"
        } else {
            base = "http://127.0.0.1:\(environment["ATLAS_MOCK_PORT"].flatMap(Int.init) ?? 8080)"
        }
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
