/// Where `--access-log` sends the access log.
enum AccessLogOutput: Equatable {
    case standardError
    case off
    /// Appended to the file at this path.
    case file(String)

    /// The option's text: `stderr`, `off`, or any other text as a path.
    struct Argument: NamedSettings {
        static let expected = "stderr, off or a file path"
        static let names: KeyValuePairs<String, AccessLogOutput> = ["stderr": .standardError, "off": .off]
        let text: String

        static func parse(_ text: String) -> AccessLogOutput? {
            text.isEmpty ? nil : Self.setting(named: text) ?? .file(text)
        }

        /// A file by its path, the other settings by name.
        static func describe(_ setting: AccessLogOutput) -> String {
            if case .file(let path) = setting { path } else { Self.name(of: setting) ?? "" }
        }
    }
}
