/// Where `--access-log` sends the access log.
enum AccessLogOutput: Equatable {
    case standardError
    case off
    /// Appended to the file at this path.
    case file(String)

    /// The option's text: `stderr`, `off`, or any other text as a path.
    struct Argument: OptionValue {
        static let expected = "stderr, off or a file path"
        let setting: AccessLogOutput

        static func parse(_ text: String) -> AccessLogOutput? {
            switch text {
            case "": nil
            case "stderr": .standardError
            case "off": .off
            default: .file(text)
            }
        }

        var defaultValueDescription: String {
            switch self.setting {
            case .standardError: "stderr"
            case .off: "off"
            case .file(let path): path
            }
        }
    }
}
