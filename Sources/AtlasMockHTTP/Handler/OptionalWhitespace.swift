extension BidirectionalCollection<UInt8> {
    /// Drops RFC 9110 optional whitespace (spaces and tabs) from both ends. Inlinable so callers in other modules
    /// get it specialised for their collection (an unspecialised generic byte loop costs a witness call per byte).
    @inlinable
    public func trimmingOptionalWhitespace() -> SubSequence {
        let isContent: (UInt8) -> Bool = { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        guard let first = self.firstIndex(where: isContent), let last = self.lastIndex(where: isContent) else {
            return self[self.endIndex...]
        }
        return self[first...last]
    }
}

extension Substring {
    /// Drops RFC 9110 optional whitespace from both ends. Byte-wise rather than Foundation's
    /// `trimmingCharacters(in:)`, which bridges through NSString and was 9% of a list request's CPU time.
    public func trimmingOptionalWhitespace() -> Substring {
        // Both ends sit next to ASCII bytes (or the ends of the text), so they are character boundaries.
        Substring(self.utf8.trimmingOptionalWhitespace())
    }
}
