extension BinaryInteger {
    /// The number in `radix` (lower-case letters), zero-padded to at least `digits` digits, a minus sign first:
    /// what `String(format: "%0*d")` and `"%0*x"` gave before Foundation was dropped.
    public func zeroPadded(_ digits: Int, radix: Int = 10) -> String {
        let magnitude = String(self.magnitude, radix: radix)
        return (self < 0 ? "-" : "") + String(repeating: "0", count: max(0, digits - magnitude.count)) + magnitude
    }
}
