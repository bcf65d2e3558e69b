import ArgumentParser
import AtlasMock
import AtlasMockHTTP
import Dispatch
import Logging

/// The type of a serve option's value: ArgumentParser hands over the text as typed, and it is read as a `Setting`
/// (`parse`) only when the option is resolved (`ServeOption`). So a refused value gets the README's one-line error
/// naming the flag, or the variable when the text came from the environment (`--port: 'abc' is not a port
/// (0-65535)`); ArgumentParser's own message for a refused value has neither form.
///
/// Each option's type is a concrete conformer, not a generic wrapper around one: ArgumentParser reflects the options
/// four times per start, and a wrapper's generic requirements were checked, and its nested type names demangled,
/// for every option on every pass (about 1 ms of start-up).
protocol OptionValue: ExpressibleByArgument {
    associatedtype Setting
    /// Finishes the error `'TEXT' is not …` for text `parse` refuses.
    static var expected: String { get }
    static func parse(_ text: String) -> Setting?
    /// A setting as a user would type it: how `--help` shows the default.
    static func describe(_ setting: Setting) -> String
    /// The text given on the command line.
    var text: String { get }
    init(text: String)
}

extension OptionValue {
    /// Never refuses: `ServeOption` judges the text, naming the flag.
    init(argument: String) {
        self.init(text: argument)
    }

    static func describe(_ setting: Setting) -> String { String(describing: setting) }
}

/// Text taken as it is: only empty text is refused here, what uses it (binding, opening a file) judges the rest.
protocol NonEmptyText: OptionValue where Setting == String {}

extension NonEmptyText {
    static func parse(_ text: String) -> String? { text.isEmpty ? nil : text }
}

/// A whole number within `range`.
protocol WholeNumber: OptionValue where Setting == Int {
    static var range: ClosedRange<Int> { get }
}

extension WholeNumber {
    static func parse(_ text: String) -> Int? { Int(text).flatMap { Self.range.contains($0) ? $0 : nil } }
}

/// A value with settings named by words (`off`, `stderr`, `self-signed`): one table reads the words and writes those
/// settings back, so help shows a default as it is typed.
protocol NamedSettings: OptionValue where Setting: Equatable {
    static var names: KeyValuePairs<String, Setting> { get }
}

extension NamedSettings {
    /// The setting `text` names; nil for any other text.
    static func setting(named text: String) -> Setting? { Self.names.first { $0.key == text }?.value }

    /// The word naming `setting`; nil for a setting without one.
    static func name(of setting: Setting) -> String? { Self.names.first { $0.value == setting }?.key }

    static func describe(_ setting: Setting) -> String { Self.name(of: setting) ?? String(describing: setting) }
}

/// An address to bind: an IPv4 or IPv6 literal or a name.
struct Host: NonEmptyText {
    static let expected = "a host"
    let text: String
}

struct Port: WholeNumber {
    static let range = 0...65535
    static let expected = "a port (\(Self.range.lowerBound)-\(Self.range.upperBound))"
    let text: String
}

/// The cleartext port, or `off` for https only.
struct PortOrOff: OptionValue {
    static let expected = Port.expected + " or off"
    let text: String

    static func parse(_ text: String) -> Int?? {
        if text == "off" { return .some(nil) }
        return Port.parse(text).map { .some($0) }
    }

    static func describe(_ setting: Int?) -> String { setting.map(String.init) ?? "off" }
}

/// `--tls`: `self-signed` generates the certificate at start; `off` (the default) leaves TLS to `--tls-cert`.
struct TLSMode: NamedSettings {
    static let expected = "self-signed or off (for your own certificate use --tls-cert and --tls-key)"
    static let names: KeyValuePairs = ["self-signed": true, "off": false]
    let text: String

    static func parse(_ text: String) -> Bool? { Self.setting(named: text) }
    static var allValueStrings: [String] { Self.names.map(\.key) }
}

/// A file to read or write.
struct FilePath: NonEmptyText {
    static let expected = "a file path"
    let text: String
}

/// Host names or addresses, from repeated flags or a `,`-separated variable (IPv6 literals have colons).
struct NameList: OptionValue {
    static let expected = "names separated by ','"
    let text: String

    static func parse(_ text: String) -> [String]? {
        text.split(separator: ",").map { String($0.trimmingOptionalWhitespace()) }
    }

    static func describe(_ setting: [String]) -> String { setting.joined(separator: ",") }
}

/// The prefix of `links` hrefs; without a trailing slash, because paths are appended to it as they are.
struct BaseURL: OptionValue {
    static let expected = "an http(s) URL without a trailing slash"
    let text: String

    static func parse(_ text: String) -> String? {
        (text.hasPrefix("http://") || text.hasPrefix("https://")) && !text.hasSuffix("/") ? text : nil
    }
}

struct Token: NonEmptyText {
    static let expected = "a non-empty token"
    let text: String
}

struct PositiveCount: WholeNumber {
    static let range = 1...Int.max
    static let expected = "a positive whole number"
    let text: String
}

/// How many requests the journal keeps; capped because each is held in memory with its body.
struct JournalSize: WholeNumber {
    static let range = 1...1_000_000
    static let expected = "a whole number from \(Self.range.lowerBound) to \(Self.range.upperBound)"
    let text: String
}

/// A positive, possibly fractional, number of seconds.
struct PositiveSeconds: OptionValue {
    static let expected = "a positive number of seconds"
    let text: String
    static func parse(_ text: String) -> Double? { Double(text).flatMap { $0 > 0 ? $0 : nil } }
    static func describe(_ setting: Double) -> String { Seconds.text(setting) }
}

/// A non-negative, possibly fractional, number of seconds, kept to the millisecond as a Dispatch interval.
struct Seconds: OptionValue {
    static let expected = "a non-negative number of seconds"
    let text: String

    static func parse(_ text: String) -> DispatchTimeInterval? {
        Double(text).flatMap { $0 >= 0 ? .milliseconds(Int($0 * 1000)) : nil }
    }

    static func describe(_ setting: DispatchTimeInterval) -> String {
        switch setting {
        case .seconds(let seconds): Self.text(Double(seconds))
        case .milliseconds(let milliseconds): Self.text(Double(milliseconds) / 1e3)
        case .microseconds(let microseconds): Self.text(Double(microseconds) / 1e6)
        case .nanoseconds(let nanoseconds): Self.text(Double(nanoseconds) / 1e9)
        case .never: "never"
        @unknown default: "\(setting)"
        }
    }

    /// `300` rather than `300.0`: defaults are shown as a user would type them.
    static func text(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }
}

/// Seconds a created restore job spends PENDING, QUEUED and RUNNING, written `2,3,10`.
struct RestorePhases: OptionValue {
    static let expected = "three non-negative seconds like 2,3,10"
    let text: String

    static func parse(_ text: String) -> RestorePhaseDurations? {
        let parts = text.split(separator: ",").compactMap { Double($0.trimmingOptionalWhitespace()) }
        guard parts.count == 3, parts.allSatisfy({ $0 >= 0 }) else { return nil }
        return RestorePhaseDurations(pending: parts[0], queued: parts[1], running: parts[2])
    }

    static func describe(_ setting: RestorePhaseDurations) -> String {
        [setting.pending, setting.queued, setting.running].map(Seconds.text).joined(separator: ",")
    }
}

/// A boolean variable's value: `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`, in any case. (The flags
/// themselves take no value; this is how the environment sets them.)
struct OnOff: OptionValue {
    static let expected = "true or false"
    let text: String

    static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "on": true
        case "0", "false", "no", "off": false
        default: nil
        }
    }

    static func describe(_ setting: Bool) -> String { setting ? "on" : "off" }
}

/// Paths, from repeated flags or a `:`-separated variable (empty segments skipped).
struct PathList: OptionValue {
    static let expected = "paths separated by ':'"
    let text: String
    static func parse(_ text: String) -> [String]? { text.split(separator: ":").map(String.init) }
    static func describe(_ setting: [String]) -> String { setting.joined(separator: ":") }
}

/// One of an enumeration's raw values: `auth` (`strict or off`), `log-level` (`one of trace, debug, …`). A
/// protocol with a conformer per option rather than a generic struct, for the reason `OptionValue` gives.
protocol Choice: OptionValue where Setting: RawRepresentable & CaseIterable, Setting.RawValue == String {}

extension Choice {
    static var expected: String {
        let names = Setting.allCases.map(\.rawValue)
        return names.count == 2 ? names.joined(separator: " or ") : "one of " + names.joined(separator: ", ")
    }
    static var allValueStrings: [String] { Setting.allCases.map(\.rawValue) }
    static func parse(_ text: String) -> Setting? { Setting(rawValue: text) }
    static func describe(_ setting: Setting) -> String { setting.rawValue }
}

struct AuthModeChoice: Choice {
    typealias Setting = AtlasConfiguration.AuthMode
    let text: String
}

struct RateLimitModeChoice: Choice {
    typealias Setting = RateLimitMode
    let text: String
}

struct LogLevelChoice: Choice {
    typealias Setting = Logger.Level
    let text: String
}

struct LogFormatChoice: Choice {
    typealias Setting = LogFormat
    let text: String
}
