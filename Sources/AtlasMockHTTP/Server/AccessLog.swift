import Dispatch
import HTTPTypes
import Logging

/// One line per answered request: remote, protocol, method, target, status, body bytes, duration.
///
/// Three outputs: a `LogSink` (what `atlas-mock` uses: the line is formatted straight into bytes on the calling
/// event loop and queued, never waiting for the output), a `Logger` at `info` (for embedders, whose logging
/// backend decides; `--log-level warning` style levels silence it), or off.
public struct AccessLog: Sendable {
    private enum Output: Sendable {
        case sink(LogSink, label: String)
        case logger(Logger)
        case off
    }

    private let output: Output

    /// Lines through `logger`, at `info`.
    public init(logger: Logger) {
        self.output = .logger(logger)
    }

    /// Lines queued on `sink` in its format, as logger `label` at `info`.
    public init(sink: LogSink, label: String = "atlas-mock") {
        self.output = .sink(sink, label: label)
    }

    private init(output: Output) {
        self.output = output
    }

    /// No access log.
    public static let off = AccessLog(output: .off)

    /// Records one exchange. `started` is when the request head was complete.
    public func record(request: HTTPServerRequest, status: Int, bodyBytes: Int, started: DispatchTime) {
        switch self.output {
        case .off:
            return
        case .logger(let logger):
            guard logger.logLevel <= .info else { return }
            var message: [UInt8] = []
            self.appendMessage(request, status, bodyBytes, started, to: &message)
            logger.info("\(String(decoding: message, as: UTF8.self))")
        case .sink(let sink, let label):
            var line: [UInt8] = []
            line.reserveCapacity(160 + request.target.utf8.count)
            sink.format.appendStart(level: .info, label: label, source: "AtlasMockHTTP", to: &line)
            switch sink.format {
            case .text:
                self.appendMessage(request, status, bodyBytes, started, to: &line)
            case .json:
                line.appendUTF8(#","remote":"#)
                LogFormat.appendJSONString(request.remoteAddress, to: &line)
                line.appendUTF8(#","remotePort":"#)
                Self.appendDecimal(request.remotePort, to: &line)
                line.appendUTF8(#","protocol":""#)
                line.appendUTF8(request.version.rawValue)
                line.appendUTF8(#"","method":"#)
                LogFormat.appendJSONString(request.head.method.rawValue, to: &line)
                line.appendUTF8(#","target":"#)
                LogFormat.appendJSONString(request.target, to: &line)
                line.appendUTF8(#","status":"#)
                Self.appendDecimal(status, to: &line)
                line.appendUTF8(#","bytes":"#)
                Self.appendDecimal(bodyBytes, to: &line)
                line.appendUTF8(#","durationMs":"#)
                Self.appendMilliseconds(since: started, to: &line)
                line.append(UInt8(ascii: "}"))
            }
            line.append(UInt8(ascii: "\n"))
            sink.append(line)
        }
    }

    /// `192.0.2.7:40000 HTTP/1.1 GET /path?x=1 200 1843 0.123ms`
    private func appendMessage(
        _ request: HTTPServerRequest, _ status: Int, _ bodyBytes: Int, _ started: DispatchTime, to line: inout [UInt8]
    ) {
        line.appendUTF8(request.remoteAddress)
        line.append(UInt8(ascii: ":"))
        Self.appendDecimal(request.remotePort, to: &line)
        line.append(UInt8(ascii: " "))
        line.appendUTF8(request.version.rawValue)
        line.append(UInt8(ascii: " "))
        line.appendUTF8(request.head.method.rawValue)
        line.append(UInt8(ascii: " "))
        line.appendUTF8(request.target)
        line.append(UInt8(ascii: " "))
        Self.appendDecimal(status, to: &line)
        line.append(UInt8(ascii: " "))
        Self.appendDecimal(bodyBytes, to: &line)
        line.append(UInt8(ascii: " "))
        Self.appendMilliseconds(since: started, to: &line)
        line.appendUTF8("ms")
    }

    /// Milliseconds with three decimals (microsecond resolution): `0.123`, `12.050`.
    private static func appendMilliseconds(since started: DispatchTime, to line: inout [UInt8]) {
        let micros = Int((DispatchTime.now().uptimeNanoseconds &- started.uptimeNanoseconds) / 1000)
        self.appendDecimal(micros / 1000, to: &line)
        let fraction = micros % 1000
        line += [
            UInt8(ascii: "."), UInt8(48 + fraction / 100), UInt8(48 + fraction / 10 % 10), UInt8(48 + fraction % 10),
        ]
    }

    private static func appendDecimal(_ value: Int, to line: inout [UInt8]) {
        guard value >= 10 else {
            line.append(UInt8(48 + max(value, 0)))
            return
        }
        self.appendDecimal(value / 10, to: &line)
        line.append(UInt8(48 + value % 10))
    }
}
