import Logging

/// How a log line looks. `text` is swift-log's `StreamLogHandler` layout, what atlas-mock always wrote
/// (`2026-12-01T08:00:00+0000 info atlas-mock: [AtlasMockHTTP] message`); `json` is one JSON object per line
/// (`{"time":"2026-12-01T08:00:00.123Z","level":"info","logger":"atlas-mock",…,"message":"…"}`) for CI log
/// collectors.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json

    /// One log event as a line, newline included. `metadata` is written in the order given.
    public func line(
        level: Logger.Level, label: String, source: String, message: String, metadata: [(String, String)] = []
    ) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(64 + message.utf8.count)
        self.appendStart(level: level, label: label, source: source, metadata: metadata, to: &line)
        switch self {
        case .text:
            line.appendUTF8(message)
            line.append(UInt8(ascii: "\n"))
        case .json:
            line.appendUTF8(#","message":"#)
            Self.appendJSONString(message, to: &line)
            line.appendUTF8("}\n")
        }
        return line
    }

    /// Text: `TIME LEVEL LABEL: [key=value …] [SOURCE] ` (the message follows). JSON: the object up to its first
    /// fields, `{"time":…,"level":…,"logger":…,"source":…[,"metadata":{…}]` (more fields, `}` and the newline
    /// follow).
    func appendStart(
        level: Logger.Level, label: String, source: String, metadata: [(String, String)] = [], to line: inout [UInt8]
    ) {
        switch self {
        case .text:
            LogTimestamp.appendText(to: &line)
            line.append(UInt8(ascii: " "))
            line.appendUTF8(level.rawValue)
            line.append(UInt8(ascii: " "))
            line.appendUTF8(label)
            line.append(UInt8(ascii: ":"))
            for (key, value) in metadata {
                line.append(UInt8(ascii: " "))
                line.appendUTF8(key)
                line.append(UInt8(ascii: "="))
                line.appendUTF8(value)
            }
            line.appendUTF8(" [")
            line.appendUTF8(source)
            line.appendUTF8("] ")
        case .json:
            line.appendUTF8(#"{"time":""#)
            LogTimestamp.appendJSON(to: &line)
            line.appendUTF8(#"","level":""#)
            line.appendUTF8(level.rawValue)
            line.appendUTF8(#"","logger":"#)
            Self.appendJSONString(label, to: &line)
            line.appendUTF8(#","source":"#)
            Self.appendJSONString(source, to: &line)
            if !metadata.isEmpty {
                line.appendUTF8(#","metadata":{"#)
                for (index, (key, value)) in metadata.enumerated() {
                    if index > 0 { line.append(UInt8(ascii: ",")) }
                    Self.appendJSONString(key, to: &line)
                    line.append(UInt8(ascii: ":"))
                    Self.appendJSONString(value, to: &line)
                }
                line.append(UInt8(ascii: "}"))
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped, the rest as is.
    static func appendJSONString(_ text: String, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                line += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "\n"):
                line += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0..<0x20:
                line += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")]
                line += [Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]]
            default:
                line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }
}
