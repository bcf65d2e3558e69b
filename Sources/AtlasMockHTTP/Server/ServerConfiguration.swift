import Dispatch

/// Every limit and timeout of the transport, in one place. Defaults are what `atlas-mock` serves with.
public struct ServerConfiguration: Sendable {
    /// Host to bind: an IPv4 or IPv6 literal or a name. Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one (read it back from `HTTPServer.boundAddress`). Default 8080.
    public var port: Int = 8080
    /// Open connections beyond this are answered 503 and closed. Default 1024.
    public var maxConnections: Int = 1024
    /// Longest HTTP/1.1 request line; past it: 414. Default 8 KiB.
    public var maxRequestLineBytes: Int = 8 * 1024
    /// Largest header section (HTTP/1.1 headers, HTTP/2 decoded header list); past it: 431. Default 64 KiB.
    public var maxHeaderBytes: Int = 64 * 1024
    /// Most header fields in one request; past it: 431. Default 100.
    public var maxHeaderCount: Int = 100
    /// Largest request body; past it: 413. Default 1 MiB.
    public var maxBodyBytes: Int = 1024 * 1024
    /// Time allowed to receive a complete request head once its first byte arrived; past it: 408 and close.
    /// This is the slowloris defence. Default 10 s.
    public var headerReadTimeout: DispatchTimeInterval = .seconds(10)
    /// Time allowed to receive a request body once the head is complete; past it: 408 and close. Default 30 s.
    public var bodyReadTimeout: DispatchTimeInterval = .seconds(30)
    /// An idle keep-alive connection (no request in progress) is closed after this. Default 60 s.
    public var idleTimeout: DispatchTimeInterval = .seconds(60)
    /// Time queued output may wait without the peer reading any of it; past it the connection is closed without
    /// more ado. Bounds how long a client that never reads (or one gone without the kernel telling us) holds a
    /// connection and its queued output. Default 60 s.
    public var writeTimeout: DispatchTimeInterval = .seconds(60)
    /// Output queued for one connection beyond which the server stops reading from it (and stops
    /// producing HTTP/2 DATA) until the peer drains it. Default 1 MiB.
    public var maxPendingOutputBytes: Int = 1024 * 1024
    /// HTTP/2 `SETTINGS_MAX_CONCURRENT_STREAMS` we advertise. Default 128.
    public var maxConcurrentStreams: Int = 128
    /// Time given to in-flight requests after SIGTERM/SIGINT before the process exits anyway. Default 10 s.
    public var drainTimeout: DispatchTimeInterval = .seconds(10)
    /// Where the access log goes. Default nil: through the server's `Logger`, at `info`.
    public var accessLog: AccessLog?

    public init() {}
}
