/// The members a fixture object may have, as an enum whose raw values index `FixtureFields`: reading a record
/// then costs one byte comparison per member, not a dictionary.
protocol FixtureField: RawRepresentable<Int>, CaseIterable {
    /// `FixtureFieldNames(Self.self)`, stored once per type.
    static var names: FixtureFieldNames { get }
}

/// The JSON names of a `FixtureField` type's cases, in case order, as bytes for comparison with the source.
struct FixtureFieldNames: Sendable {
    let strings: [String]
    let utf8: [[UInt8]]

    init<Field: FixtureField>(_ type: Field.Type) {
        self.strings = Field.allCases.map { "\($0)" }
        self.utf8 = self.strings.map { Array($0.utf8) }
    }

    /// `a, b, c`: for "unknown field" messages.
    var list: String { self.strings.joined(separator: ", ") }
}

/// The values an object gave for a `FixtureField` type.
struct FixtureFields<Field: FixtureField> {
    var values: [FixtureJSON?]

    subscript(_ field: Field) -> FixtureJSON? { self.values[field.rawValue] }
}
