import FoundationEssentials
import Glibc

/// Turns one parsed fixture source into located records, checking each value on its own: member names, JSON
/// types, id and name patterns, date-times and enum values. It never stops at the first problem; every error is
/// collected with its JSON path. Cross-record checks (references, duplicates) are `FixtureValidator`'s.
struct FixtureDecoder {
    let source: String
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var errors: [FixtureError] = []
    var document = FixtureDocument()

    init(source: String, bytes: UnsafeBufferPointer<UInt8>) {
        self.source = source
        self.bytes = bytes
    }

    mutating func error(_ path: String, _ message: String) {
        self.errors.append(FixtureError(source: self.source, path: path, message: message))
    }

    func location(_ path: String) -> FixtureLocation {
        FixtureLocation(source: self.source, path: path)
    }

    func text(_ text: FixtureJSONText) -> String {
        FixtureJSONParser.string(text, in: self.bytes)
    }

    /// The members of the object at `path`, by field. Unknown members are reported; nil if it is not an object.
    mutating func fields<Field: FixtureField>(_ value: FixtureJSON, at path: String, as type: Field.Type)
        -> FixtureFields<Field>?
    {
        guard case .object(let members) = value else {
            self.error(path, "expected an object, found \(value.kindDescription)")
            return nil
        }
        let names = Field.names
        var values = [FixtureJSON?](repeating: nil, count: names.utf8.count)
        // Atlas writes members alphabetically, like our schemas, so the next name is almost always the match.
        var cursor = 0
        for member in members {
            var found: Int?
            for step in 0..<names.utf8.count {
                let candidate = (cursor + step) % names.utf8.count
                if self.keyMatches(member.key, names.utf8[candidate], names.strings[candidate]) {
                    found = candidate
                    break
                }
            }
            if let found {
                if values[found] != nil { self.error(path + "." + names.strings[found], "duplicate field") }
                values[found] = member.value
                cursor = found + 1
            } else {
                self.error(
                    path + "." + self.text(member.key), "unknown field (expected one of: \(names.list))")
            }
        }
        return FixtureFields(values: values)
    }

    private func keyMatches(_ key: FixtureJSONText, _ utf8: [UInt8], _ string: String) -> Bool {
        if key.escaped { return self.text(key) == string }
        guard key.end - key.start == utf8.count else { return false }
        return memcmp(self.bytes.baseAddress! + key.start, utf8, utf8.count) == 0
    }

    // MARK: Typed values. Each returns nil (after reporting) when the value is missing and required, or invalid.

    mutating func string(_ value: FixtureJSON?, _ path: @autoclosure () -> String, required: Bool = false) -> String? {
        guard let value else {
            if required { self.error(path(), "missing required field") }
            return nil
        }
        guard case .string(let text) = value else {
            self.error(path(), "expected a string, found \(value.kindDescription)")
            return nil
        }
        return self.text(text)
    }

    /// A 24-hex id (`^([a-f0-9]{24})$`).
    mutating func objectID(_ value: FixtureJSON?, _ path: @autoclosure () -> String, required: Bool = false) -> String? {
        if case .string(let text) = value, self.isObjectID(text) { return self.text(text) }
        guard let id = self.string(value, path(), required: required) else { return nil }
        guard Identifiers.isObjectID(id) else {
            self.error(path(), "\"\(id)\" is not a 24-digit lowercase hexadecimal id")
            return nil
        }
        return id
    }

    /// `Identifiers.isObjectID` on the raw bytes: ids are most of a fixture's strings, and this avoids a closure
    /// per character in debug builds.
    private func isObjectID(_ text: FixtureJSONText) -> Bool {
        guard !text.escaped, text.end - text.start == 24 else { return false }
        var index = text.start
        while index < text.end {
            let byte = self.bytes[index]
            guard (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) else { return false }
            index += 1
        }
        return true
    }

    /// A cluster name (`^[a-zA-Z0-9][a-zA-Z0-9-]*$`).
    mutating func clusterName(_ value: FixtureJSON?, _ path: @autoclosure () -> String, required: Bool = false) -> String? {
        guard let name = self.string(value, path(), required: required) else { return nil }
        guard Identifiers.isClusterName(name) else {
            self.error(path(), "\"\(name)\" does not match ^[a-zA-Z0-9][a-zA-Z0-9-]*$")
            return nil
        }
        return name
    }

    mutating func date(_ value: FixtureJSON?, _ path: @autoclosure () -> String) -> Date? {
        guard let value else { return nil }
        if case .string(let text) = value, !text.escaped, let fast = self.fastDate(text) {
            guard let date = fast else {
                self.error(path(), "\"\(self.text(text))\" is not an RFC 3339 date-time")
                return nil
            }
            return date
        }
        guard let string = self.string(value, path()) else { return nil }
        guard let date = AtlasDate.parse(string) else {
            self.error(path(), "\"\(string)\" is not an RFC 3339 date-time")
            return nil
        }
        return date
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, the form Atlas writes, read straight from the bytes: a fixture can hold half a
    /// million dates and this keeps loading fast; other RFC 3339 forms go through `AtlasDate.parse`. Nil when the
    /// text does not have this shape; `.some(nil)` when it does but names no real instant (`2025-02-30…`), which
    /// `AtlasDate.parse` would wrongly roll over into March.
    private func fastDate(_ text: FixtureJSONText) -> Date?? {
        guard text.end - text.start == 20 else { return nil }
        let base = self.bytes.baseAddress! + text.start
        func digits(_ offset: Int, _ count: Int) -> Int? {
            var value = 0
            for index in offset..<offset + count {
                let byte = base[index]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard base[4] == UInt8(ascii: "-"), base[7] == UInt8(ascii: "-"), base[10] == UInt8(ascii: "T"),
            base[13] == UInt8(ascii: ":"), base[16] == UInt8(ascii: ":"), base[19] == UInt8(ascii: "Z")
        else { return nil }
        guard let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2), let hour = digits(11, 2),
            let minute = digits(14, 2), let second = digits(17, 2), (1...12).contains(month), day >= 1,
            hour < 24, minute < 60, second < 60
        else { return .some(nil) }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return .some(nil) }
        // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    /// A value of a string enum, e.g. `status`.
    mutating func enumeration<Value: RawRepresentable<String> & CaseIterable>(
        _ value: FixtureJSON?, _ path: @autoclosure () -> String, as type: Value.Type
    ) -> Value? {
        guard let string = self.string(value, path()) else { return nil }
        guard let result = Value(rawValue: string) else {
            self.error(path(), "\"\(string)\" is not one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return result
    }

    mutating func array(_ value: FixtureJSON?, _ path: @autoclosure () -> String, required: Bool = false) -> [FixtureJSON]? {
        guard let value else {
            if required { self.error(path(), "missing required field") }
            return nil
        }
        guard case .array(let elements) = value else {
            self.error(path(), "expected an array, found \(value.kindDescription)")
            return nil
        }
        return elements
    }

    /// An integer within `range` (JSON numbers such as `3` or `3.0`).
    mutating func integer(_ value: FixtureJSON?, _ path: @autoclosure () -> String, in range: ClosedRange<Int>) -> Int? {
        guard let value else { return nil }
        guard case .number(let text) = value, let number = Double(self.text(text)), number.rounded() == number,
            let integer = Int(exactly: number)
        else {
            self.error(path(), "expected an integer, found \(value.kindDescription)")
            return nil
        }
        guard range.contains(integer) else {
            self.error(path(), "\(integer) is out of range \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return integer
    }

    mutating func bool(_ value: FixtureJSON?, _ path: @autoclosure () -> String) -> Bool? {
        guard let value else { return nil }
        guard case .bool(let flag) = value else {
            self.error(path(), "expected a boolean, found \(value.kindDescription)")
            return nil
        }
        return flag
    }
}
