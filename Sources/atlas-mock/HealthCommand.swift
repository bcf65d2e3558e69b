import ArgumentParser
import AtlasMockHTTP
import FoundationEssentials

/// The container HEALTHCHECK: exits 0 when `GET /__admin/health` answers 200, 1 otherwise. It speaks HTTP over
/// a plain socket so the runtime image needs no curl.
struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Exit 0 if a running atlas-mock answers its health check.")

    @Option(help: "Server to probe. [default http://127.0.0.1:$ATLAS_MOCK_PORT, port 8080 if unset]")
    var url: String?

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Double = 2

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let base = self.url ?? "http://127.0.0.1:\(environment["ATLAS_MOCK_PORT"].flatMap(Int.init) ?? 8080)"
        guard let components = URLComponents(string: base), components.scheme == "http", let host = components.host
        else { throw ValidationError("--url: '\(base)' is not an http://HOST:PORT URL") }
        let port = components.port ?? 80
        do {
            let status = try HTTPProbe.status(host: host, port: port, path: "/__admin/health", timeout: self.timeout)
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
