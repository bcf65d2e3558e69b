/// FNV-1a (64-bit): the seed of every derived value that must stay the same across runs (snapshot ids, connection
/// hosts). Swift's `Hasher` is randomly seeded per process, so it cannot serve.
enum StableHash {
    static func fnv1a<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
