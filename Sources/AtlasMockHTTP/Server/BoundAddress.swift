/// Where a started server actually listens: the real port when 0 was asked for.
public struct BoundAddress: Sendable, Hashable, CustomStringConvertible {
    /// The numeric host, without brackets: `127.0.0.1`, `0.0.0.0`, `::1`, `::`.
    public let host: String
    public let port: Int
    /// Whether this listener speaks TLS (`https://`).
    public let isTLS: Bool

    public init(host: String, port: Int, isTLS: Bool = false) {
        self.host = host
        self.port = port
        self.isTLS = isTLS
    }

    /// The base URL clients use: `http://127.0.0.1:8080`, `https://127.0.0.1:8443`, or `http://[::1]:8080` for IPv6.
    public var urlString: String {
        "\(self.isTLS ? "https" : "http")://\(self.hostForURL):\(self.port)"
    }

    public var description: String { "\(self.hostForURL):\(self.port)" }

    private var hostForURL: String {
        self.host.contains(":") ? "[\(self.host)]" : self.host
    }
}
