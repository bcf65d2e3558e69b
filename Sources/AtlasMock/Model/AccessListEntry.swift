import FoundationEssentials
import Glibc

/// One API access list entry: an address or a CIDR block, IPv4 or IPv6, as Atlas stores them
/// (`ipAddress` or `cidrBlock`). An IPv4 client reaching an IPv6 socket as `::ffff:a.b.c.d` matches IPv4 entries.
public struct AccessListEntry: Sendable, Equatable, CustomStringConvertible {
    private let network: [UInt8]
    private let prefixLength: Int
    /// The entry as written (`192.168.0.0/16`, `10.1.2.3`, `::1/128`).
    public let description: String

    /// Parses `address` or `address/prefix`; nil if it is neither.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let bytes = Self.addressBytes(String(parts[0])) else { return nil }
        let maximum = bytes.count * 8
        var prefix = maximum
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...maximum).contains(value) else { return nil }
            prefix = value
        }
        self.network = bytes
        self.prefixLength = prefix
        self.description = text
    }

    /// Whether `address` (the peer's address as the transport reports it) falls in this entry.
    public func contains(_ address: String) -> Bool {
        guard var bytes = Self.addressBytes(address) else { return false }
        if bytes.count == 16 && self.network.count == 4 && bytes[0..<12] == Self.mappedPrefix[...] {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == self.network.count else { return false }
        var remaining = self.prefixLength
        for index in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[index] & mask != self.network[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    private static let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]

    private static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
