extension Array where Element == UInt8 {
    /// Appends `text`'s UTF-8 bytes with one copy. `append(contentsOf: text.utf8)` walks the view byte by byte,
    /// which showed in the profile of every response header block and access-log line.
    @inline(__always)
    mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { self.append(contentsOf: $0) }
    }
}
