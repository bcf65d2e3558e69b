extension Collection<UInt8> {
    /// Whether these bytes spell `lowercase` with ASCII letters in either case, as HTTP compares schemes, media
    /// types and tokens; `lowercase` must be lower-case ASCII. No lower-cased copy is made.
    /// Inlinable so callers in other modules get it specialised for their collection types: unspecialised, going
    /// through witness tables per byte, it was 16% of an h2c list request's CPU time.
    @inlinable
    public func equalsIgnoringASCIICase(_ lowercase: some Collection<UInt8>) -> Bool {
        self.elementsEqual(lowercase) { byte, wanted in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 == wanted : byte == wanted
        }
    }
}
