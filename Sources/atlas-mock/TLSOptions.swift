import ArgumentParser
import AtlasMockHTTP
import FoundationEssentials

/// The https listener's options: where its certificate comes from, its port, and where a generated CA goes.
struct TLSOptions: ParsableArguments {
    @Option(
        name: .customLong("tls"),
        help: "self-signed: generate a CA and a certificate for localhost, 127.0.0.1, ::1 and each --tls-hostname at start. [ATLAS_MOCK_TLS]")
    var mode: String?
    @Option(
        name: .customLong("tls-cert"),
        help: "PEM certificate chain (server certificate first) to serve https with; needs --tls-key. [ATLAS_MOCK_TLS_CERT]")
    var certificateFile: String?
    @Option(
        name: .customLong("tls-key"), help: "PEM private key of --tls-cert (unencrypted). [ATLAS_MOCK_TLS_KEY]")
    var keyFile: String?
    @Option(
        name: .customLong("tls-port"),
        help: "https port beside --port; 0 picks a free one. [ATLAS_MOCK_TLS_PORT, default 8443 when TLS is on]")
    var port: String?
    @Option(
        name: .customLong("tls-hostname"),
        help: "Another DNS name or IP address for the self-signed certificate; repeatable. [ATLAS_MOCK_TLS_HOSTNAMES, comma-separated]")
    var hostnames: [String] = []
    @Option(
        name: .customLong("tls-ca-out"),
        help: "Write the self-signed CA certificate (PEM) here, for clients to trust. [ATLAS_MOCK_TLS_CA_OUT]")
    var caOutput: String?

    /// What the options ask for, checked for consistency; the certificate itself is built by `makeIdentity`.
    struct Settings {
        enum Source {
            case files(certificate: String, key: String)
            case selfSigned(hostnames: [String])
        }

        var source: Source
        var port: Int
        var caOutput: String?

        /// Loads or generates the certificate; a `TLSSetupError` names the file or value that is wrong.
        func makeIdentity() throws(TLSSetupError) -> TLSIdentity {
            switch self.source {
            case .files(let certificate, let key):
                return try .load(certificateChainFile: certificate, privateKeyFile: key)
            case .selfSigned(let hostnames):
                return try .selfSigned(hostnames: hostnames)
            }
        }
    }

    /// The TLS settings, nil when TLS is off; a `ValidationError` for options that contradict each other.
    func settings(_ env: EnvironmentValue) throws -> Settings? {
        let given = { (value: String?, variable: String) in value ?? env.environment[variable].flatMap { $0.isEmpty ? nil : $0 } }
        let mode = given(self.mode, "ATLAS_MOCK_TLS")
        let certificate = given(self.certificateFile, "ATLAS_MOCK_TLS_CERT")
        let key = given(self.keyFile, "ATLAS_MOCK_TLS_KEY")
        let caOutput = given(self.caOutput, "ATLAS_MOCK_TLS_CA_OUT")
        var hostnames = self.hostnames
        if hostnames.isEmpty, let variable = env.environment["ATLAS_MOCK_TLS_HOSTNAMES"] {
            hostnames = variable.split(separator: ",").map { String($0.trimmingOptionalWhitespace()) }
        }
        let source: Settings.Source
        switch (mode, certificate, key) {
        case (nil, nil, nil):
            if given(self.port, "ATLAS_MOCK_TLS_PORT") != nil {
                throw ValidationError("--tls-port needs --tls self-signed or --tls-cert and --tls-key")
            }
            if !hostnames.isEmpty || caOutput != nil {
                throw ValidationError("--tls-hostname and --tls-ca-out need --tls self-signed")
            }
            return nil
        case ("self-signed"?, nil, nil):
            source = .selfSigned(hostnames: hostnames)
        case (let mode?, nil, nil):
            let name = self.mode == nil ? "ATLAS_MOCK_TLS (--tls)" : "--tls"
            throw ValidationError(
                "\(name): '\(mode)' is not self-signed (for your own certificate use --tls-cert and --tls-key)")
        case (_?, _, _):
            throw ValidationError("--tls self-signed and --tls-cert/--tls-key exclude each other")
        case (nil, let certificate?, let key?):
            guard hostnames.isEmpty, caOutput == nil else {
                throw ValidationError("--tls-hostname and --tls-ca-out apply to --tls self-signed only")
            }
            source = .files(certificate: certificate, key: key)
        case (nil, _?, nil):
            throw ValidationError("--tls-cert needs --tls-key")
        case (nil, nil, _?):
            throw ValidationError("--tls-key needs --tls-cert")
        }
        let port = try env.resolve(
            flag: "tls-port", variable: "ATLAS_MOCK_TLS_PORT", given: self.port, default: 8443,
            expected: "a port (0-65535)"
        ) { Int($0).flatMap { (0...65535).contains($0) ? $0 : nil } }
        return Settings(source: source, port: port, caOutput: caOutput)
    }
}
