import Dispatch
import HTTPTypes
import Logging

/// One line per answered request on stderr: time, remote, protocol, method, target, status, bytes, duration.
/// Written at `info`, so `--log-level warning` silences it.
public struct AccessLog: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Records one exchange. `started` is when the request head was complete.
    public func record(
        request: HTTPServerRequest, status: Int, bodyBytes: Int, started: DispatchTime
    ) {
        guard self.logger.logLevel <= .info else { return }
        let micros = (DispatchTime.now().uptimeNanoseconds &- started.uptimeNanoseconds) / 1000
        let fraction = String(micros % 1000)
        let millis = "\(micros / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
        self.logger.info(
            "\(request.remoteAddress):\(request.remotePort) \(request.version.rawValue) \(request.head.method.rawValue) \(request.target) \(status) \(bodyBytes) \(millis)ms"
        )
    }
}
