import Glibc

/// A minimal blocking HTTP/1.1 GET, for the `atlas-mock health` container check: the runtime image has no curl,
/// and FoundationNetworking would drag libcurl into it. Over TLS the certificate is not verified: the question is
/// whether the server answers, not whom to trust.
public enum HTTPProbe {
    /// The status code `GET path` answers with; throws if nothing answers within `timeout` seconds.
    public static func status(host: String, port: Int, path: String, timeout: Double, overTLS: Bool = false) throws
        -> Int
    {
        Syscall.ignoreSIGPIPE()
        var lastError: any Error = AddressError(message: "no address for \(host)")
        for address in try SocketAddress.resolve(host: host, port: port) {
            do {
                return try self.status(
                    at: address, host: host, port: port, path: path, timeout: timeout, overTLS: overTLS)
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func status(
        at address: SocketAddress, host: String, port: Int, path: String, timeout: Double, overTLS: Bool
    ) throws -> Int {
        let fd = try Syscall.check("socket") { socket(address.family, Int32(SOCK_STREAM.rawValue), 0) }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            try Syscall.check("setsockopt") { setsockopt(fd, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size)) }
        }
        _ = try address.withSockAddr { pointer, length in try Syscall.check("connect") { connect(fd, pointer, length) } }
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(authority)\r\nConnection: close\r\n\r\n".utf8)
        let tls = overTLS ? try TLSProbeStream(fd: fd, serverName: host) : nil
        if let tls {
            try tls.write(request)
        } else {
            try request.withUnsafeBytes { bytes in
                var sent = 0
                while sent < bytes.count {
                    sent += try Syscall.check("send") { send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
                }
            }
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while !response.contains(UInt8(ascii: "\n")) {
            let count = try buffer.withUnsafeMutableBytes { bytes in
                if let tls { return try tls.read(into: bytes) }
                return try Syscall.check("recv") { recv(fd, bytes.baseAddress, bytes.count, 0) }
            }
            if count == 0 { break }
            response += buffer[..<count]
        }
        // "HTTP/1.1 200 OK": the three digits after the first space.
        let line = String(decoding: response.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw AddressError(message: "\(authority) did not answer HTTP")
        }
        return status
    }
}
