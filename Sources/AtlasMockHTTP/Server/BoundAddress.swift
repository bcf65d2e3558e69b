/// Where a started server actually listens: the real port when 0 was asked for.
public struct BoundAddress: Sendable, Hashable, CustomStringConvertible {
    /// The numeric host, without brackets: `127.0.0.1`, `0.0.0.0`, `::1`, `::`.
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The base URL clients use: `http://127.0.0.1:8080`, or `http://[::1]:8080` for IPv6.
    public var urlString: String {
        "http://\(self.hostForURL):\(self.port)"
    }

    public var description: String { "\(self.hostForURL):\(self.port)" }

    private var hostForURL: String {
        self.host.contains(":") ? "[\(self.host)]" : self.host
    }
}
