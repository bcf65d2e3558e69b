import ArgumentParser

/// One row of `ServeOptions.table`: a serve flag, its `ATLAS_MOCK_*` variable, its help, its default and where
/// its value goes. The variable is the flag upper-cased with `_` for `-`, so the two cannot drift apart; the default
/// shown is read from `ServeSettings.defaults`, the one place it is written.
struct ServeOption {
    let flag: String
    let meaning: String
    /// The default as `--help` and the README's flag table show it.
    let defaultText: String
    /// Stores the value from the command line, else from the variable, else leaves the default in place; a bad
    /// value throws the one-line error naming the flag (and the variable when it came from there).
    let resolve: (ServeOptions, [String: String], inout ServeSettings) throws -> Void

    var variable: String { Self.variable(for: self.flag) }

    static func variable(for flag: String) -> String {
        "ATLAS_MOCK_" + String(flag.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// The help ends in `[VARIABLE, default TEXT]`; the README test reads the variable and default from there.
    var help: String { "\(self.meaning) [\(self.variable), default \(self.defaultText)]" }

    /// An `@Option` stored at `setting`.
    init<Value: OptionValue>(
        _ flag: String, _ meaning: String, given: @escaping (ServeOptions) -> Value?,
        setting: WritableKeyPath<ServeSettings, Value.Setting>
    ) {
        self.init(
            flag, meaning, defaultText: Value.describe(ServeSettings.defaults[keyPath: setting]), as: Value.self,
            given: { given($0).map { ($0.text, Value.parse($0.text)) } }, store: { $0[keyPath: setting] = $1 })
    }

    /// An `@Option` for a setting absent by default; `absent` says what happens then.
    init<Value: OptionValue>(
        _ flag: String, _ meaning: String, given: @escaping (ServeOptions) -> Value?,
        setting: WritableKeyPath<ServeSettings, Value.Setting?>, absent: String
    ) {
        self.init(
            flag, meaning, defaultText: absent, as: Value.self,
            given: { given($0).map { ($0.text, Value.parse($0.text)) } }, store: { $0[keyPath: setting] = $1 })
    }

    /// A `@Flag`: given, it turns the setting on; otherwise the variable (`true`/`false`, `1`/`0`, …) decides.
    init(
        _ flag: String, _ meaning: String, isSet: @escaping (ServeOptions) -> Bool,
        setting: WritableKeyPath<ServeSettings, Bool>
    ) {
        self.init(
            flag, meaning, defaultText: OnOff.describe(ServeSettings.defaults[keyPath: setting]), as: OnOff.self,
            given: { isSet($0) ? (OnOff.describe(true), true) : nil }, store: { $0[keyPath: setting] = $1 })
    }

    /// A repeatable `@Option` of paths; the variable holds them `:`-separated. None given: `absent` says what happens.
    init(
        _ flag: String, _ meaning: String, paths: @escaping (ServeOptions) -> [String],
        setting: WritableKeyPath<ServeSettings, [String]>, absent: String
    ) {
        self.init(flag, meaning, repeated: paths, as: PathList.self, setting: setting, absent: absent)
    }

    /// A repeatable `@Option`; the variable holds the values as `List` separates them. None given: `absent` says
    /// what happens.
    init<List: OptionValue>(
        _ flag: String, _ meaning: String, repeated: @escaping (ServeOptions) -> [String], as list: List.Type,
        setting: WritableKeyPath<ServeSettings, [String]>, absent: String
    ) where List.Setting == [String] {
        let given = { (command: ServeOptions) -> (String, [String]?)? in
            let values = repeated(command)
            return values.isEmpty ? nil : (List.describe(values), values)
        }
        self.init(
            flag, meaning, defaultText: absent, as: List.self, given: given, store: { $0[keyPath: setting] = $1 })
    }

    /// `given` is the text on the command line and what it reads as (nil when refused), or nil when the flag is
    /// absent.
    private init<Value: OptionValue>(
        _ flag: String, _ meaning: String, defaultText: String, as value: Value.Type,
        given: @escaping (ServeOptions) -> (text: String, setting: Value.Setting?)?,
        store: @escaping (inout ServeSettings, Value.Setting) -> Void
    ) {
        self.flag = flag
        self.meaning = meaning
        self.defaultText = defaultText
        let variable = Self.variable(for: flag)
        self.resolve = { command, environment, settings in
            if let given = given(command) {
                guard let setting = given.setting else {
                    throw ValidationError("--\(flag): '\(given.text)' is not \(Value.expected)")
                }
                store(&settings, setting)
            } else if let text = environment[variable], !text.isEmpty {
                guard let setting = Value.parse(text) else {
                    throw ValidationError("\(variable) (--\(flag)): '\(text)' is not \(Value.expected)")
                }
                store(&settings, setting)
            }
        }
    }
}

extension ArgumentHelp {
    /// The help of the serve option named `flag`, from its row in `ServeOptions.table`.
    static func serve(_ flag: String) -> ArgumentHelp {
        guard let help = Self.serveHelp[flag] else { preconditionFailure("--\(flag) has no row in ServeOptions.table") }
        return ArgumentHelp(help)
    }

    /// Built once: ArgumentParser asks for every option's help each time it instantiates the options, and each
    /// table row formats its default.
    private static let serveHelp = Dictionary(uniqueKeysWithValues: ServeOptions.table.map { ($0.flag, $0.help) })
}
