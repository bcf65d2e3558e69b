import ArgumentParser
import FoundationEssentials

/// Resolves an option from its flag, else its `ATLAS_MOCK_*` variable, else its default, and names both in
/// the error when the value is bad.
struct EnvironmentValue {
    let environment: [String: String]

    init(_ environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    func resolve<Value>(
        flag: String, variable: String, given: String?, default defaultValue: Value, expected: String,
        parse: (String) -> Value?
    ) throws -> Value {
        if let given {
            guard let value = parse(given) else {
                throw ValidationError("--\(flag): '\(given)' is not \(expected)")
            }
            return value
        }
        if let text = self.environment[variable], !text.isEmpty {
            guard let value = parse(text) else {
                throw ValidationError("\(variable) (--\(flag)): '\(text)' is not \(expected)")
            }
            return value
        }
        return defaultValue
    }
}
