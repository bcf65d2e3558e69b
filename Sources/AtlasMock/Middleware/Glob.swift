/// Path globs for fault rules; simple enough to write in JSON without regex escaping.
enum Glob {
    static func matches(pattern: Slice<UnsafeBufferPointer<UInt8>>, _ text: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        let rest = pattern.dropFirst()
        switch first {
        case UInt8(ascii: "*"):
            if rest.first == UInt8(ascii: "*") {
                let afterStars = rest.dropFirst()
                return text.indices.contains { Self.matches(pattern: afterStars, text[$0...]) }
                    || Self.matches(pattern: afterStars, text[text.endIndex...])
            }
            var index = text.startIndex
            while true {
                if Self.matches(pattern: rest, text[index...]) { return true }
                guard index < text.endIndex, text[index] != UInt8(ascii: "/") else { return false }
                index += 1
            }
        case UInt8(ascii: "?"):
            guard let next = text.first, next != UInt8(ascii: "/") else { return false }
            return Self.matches(pattern: rest, text.dropFirst())
        default:
            // A run of literal bytes is compared in one go, not one recursion per byte: every API request is
            // checked against every rule, and the per-byte recursion showed in the benchmark profile.
            let literal = pattern.prefix { $0 != UInt8(ascii: "*") && $0 != UInt8(ascii: "?") }
            guard text.starts(with: literal) else { return false }
            return Self.matches(pattern: pattern.dropFirst(literal.count), text.dropFirst(literal.count))
        }
    }

    /// Whether `path` matches the glob `pattern`, over the strings' own UTF-8 storage: fault rules are checked on
    /// every request, and copying both into arrays first showed in the benchmark profile.
    static func matches(pattern: String, path: Substring) -> Bool {
        var pattern = pattern
        var path = path
        return pattern.withUTF8 { pattern in path.withUTF8 { path in Self.matches(pattern: pattern[...], path[...]) } }
    }
}
