import ArgumentParser
import AtlasMockHTTP
import FoundationEssentials

/// The https listener: where its certificate comes from, checked across options (the table checks each alone), and
/// its building at start, where a bad file is still a one-line error with exit 2.
extension ServeSettings {
    enum TLSSource {
        case files(certificate: String, key: String)
        case selfSigned(hostnames: [String])
    }

    /// Where the certificate comes from; nil when TLS is off. Throws for options that contradict each other.
    func tls() throws -> TLSSource? {
        let source: TLSSource?
        switch (self.selfSigned, self.tlsCertificate, self.tlsKey) {
        case (false, nil, nil):
            if self.tlsPort != nil {
                throw ValidationError("--tls-port needs --tls self-signed or --tls-cert and --tls-key")
            }
            if !self.tlsHostnames.isEmpty || self.tlsCAOutput != nil {
                throw ValidationError("--tls-hostname and --tls-ca-out need --tls self-signed")
            }
            source = nil
        case (true, nil, nil):
            source = .selfSigned(hostnames: self.tlsHostnames)
        case (true, _, _):
            throw ValidationError("--tls self-signed and --tls-cert/--tls-key exclude each other")
        case (false, let certificate?, let key?):
            guard self.tlsHostnames.isEmpty, self.tlsCAOutput == nil else {
                throw ValidationError("--tls-hostname and --tls-ca-out apply to --tls self-signed only")
            }
            source = .files(certificate: certificate, key: key)
        case (false, _?, nil):
            throw ValidationError("--tls-cert needs --tls-key")
        case (false, nil, _?):
            throw ValidationError("--tls-key needs --tls-cert")
        }
        if source == nil, self.cleartextPort == nil {
            throw ValidationError("--port off needs --tls self-signed or --tls-cert and --tls-key")
        }
        return source
    }

    /// The TLS listener with its certificate loaded or generated, and a generated CA written where `--tls-ca-out`
    /// asks (atomically, so a test waiting for the file never reads half of it); nil when TLS is off.
    func tlsListener() throws -> ServerConfiguration.TLS? {
        guard let source = try self.tls() else { return nil }
        let identity: TLSIdentity
        do {
            switch source {
            case .files(let certificate, let key):
                identity = try .load(certificateChainFile: certificate, privateKeyFile: key)
            case .selfSigned(let hostnames):
                identity = try .selfSigned(hostnames: hostnames)
            }
        } catch {
            throw ValidationError("atlas-mock: TLS: \(error)")
        }
        if let path = self.tlsCAOutput, let pem = identity.certificateAuthorityPEM {
            do {
                try Data(pem.utf8).write(to: URL(filePath: path), options: .atomic)
            } catch {
                throw ValidationError("atlas-mock: --tls-ca-out \(path): cannot write it (\(error))")
            }
        }
        return ServerConfiguration.TLS(port: self.tlsPort ?? Self.defaultTLSPort, identity: identity)
    }
}
