import Glibc

/// An IPv4 or IPv6 socket address, stored the way the kernel takes it (`sockaddr_storage` + length). `package`
/// where the tests' raw client connects with it too.
package struct SocketAddress: Sendable {
    private(set) var storage = sockaddr_storage()
    private(set) var length: socklen_t

    package var family: Int32 { Int32(self.storage.ss_family) }

    /// Resolves `host` (an IPv4/IPv6 literal, or a name through getaddrinfo) for a passive TCP socket.
    /// Literals never touch DNS (`AI_NUMERICHOST` is tried first); names yield every address they map to.
    package static func resolve(host: String, port: Int) throws -> [SocketAddress] {
        guard (0...65535).contains(port) else {
            throw AddressError(message: "port \(port) is outside 0...65535")
        }
        if let literal = try? self.getaddrinfo(host: host, port: port, flags: AI_NUMERICHOST) {
            return literal
        }
        return try self.getaddrinfo(host: host, port: port, flags: 0)
    }

    private static func getaddrinfo(host: String, port: Int, flags: Int32) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_flags = flags | AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = Glibc.getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw AddressError(message: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        // The list is owned by libc until freeaddrinfo: copy each address out before freeing.
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let entry = node {
            if let address = entry.pointee.ai_addr {
                addresses.append(SocketAddress(address, length: entry.pointee.ai_addrlen))
            }
            node = entry.pointee.ai_next
        }
        return addresses
    }

    init(_ address: UnsafePointer<sockaddr>, length: socklen_t) {
        self.length = length
        withUnsafeMutableBytes(of: &self.storage) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(length)))
        }
    }

    /// Fills an address through a call such as `accept` or `getsockname`.
    init(filling fill: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) throws -> Void) rethrows {
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        self.length = length
        try withUnsafeMutablePointer(to: &self.storage) { storage in
            try storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { try fill($0, &length) }
        }
        self.length = length
    }

    /// Runs `body` with the address as the kernel wants it.
    package func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result) rethrows -> Result {
        try withUnsafePointer(to: self.storage) { storage in
            try storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, self.length) }
        }
    }

    /// The numeric host (`127.0.0.1`, `::1`), without brackets or port.
    var host: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        self.withSockAddr { address, _ in
            switch self.family {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                    var raw = v4.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count))
                }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                    var raw = v6.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
                }
            default:
                break
            }
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    var port: Int {
        self.withSockAddr { address, _ in
            switch self.family {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin_port))
                }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            default:
                0
            }
        }
    }

    /// The public form: numeric host and port.
    var boundAddress: BoundAddress { BoundAddress(host: self.host, port: self.port) }
}

/// A host that cannot be resolved or a port out of range.
struct AddressError: Error, CustomStringConvertible {
    let message: String
    var description: String { self.message }
}
