import AtlasMockHTTP
import Foundation
import Glibc

/// An HTTP/1.1 response as a raw client read it off the socket.
package struct RawResponse: Equatable, CustomStringConvertible {
    package var status: Int
    package var headers: [(String, String)]
    package var body: [UInt8]

    package init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.map { "\($0.0): \($0.1)" } == rhs.headers.map { "\($0.0): \($0.1)" }
    }

    /// The first value of `name`, compared case-insensitively.
    package func header(_ name: String) -> String? {
        self.headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    package var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The body as a JSON object; empty when it is not one.
    package func json() -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body))) as? [String: Any] ?? [:]
    }

    package var description: String { "\(self.status) \(self.headers) \(self.text)" }

    /// Status and header fields of a head without its blank line; nil when the status line is not `HTTP/x NNN …`.
    static func head(_ text: String) -> (status: Int, headers: [(String, String)])? {
        var lines = text.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.map { line -> (String, String) in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            return (String(line[..<colon]), line[colon...].dropFirst().trimmingCharacters(in: .whitespaces))
        }
        return (status, headers)
    }
}

/// A blocking TCP client with a receive timeout, for byte-exact conversations with a server: what no well-behaved
/// client library would send, several requests on one connection, half-closes and resets.
package final class RawHTTPClient {
    /// A failed socket call (`errno` set), or a response that cannot be read.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        package var errno: Int32 = 0

        init(description: String) { self.description = description }

        init(call: String, errno: Int32) {
            self.description = "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
            self.errno = errno
        }
    }

    /// The socket, for clients that speak another protocol over the connection (HTTP/2 frames in HostileClientTests).
    package let fd: Int32
    private var buffered: [UInt8] = []

    /// Connects to `host` (a literal such as `127.0.0.1` or `::1`) on `port`.
    package init(host: String = "127.0.0.1", port: Int, receiveTimeout: Double = 5) throws {
        guard let resolved = try SocketAddress.resolve(host: host, port: port).first else {
            throw Failure(description: "\(host) resolves to no address")
        }
        self.fd = socket(resolved.family, Int32(SOCK_STREAM.rawValue), 0)
        guard self.fd >= 0 else { throw Failure(call: "socket", errno: errno) }
        var timeout = timeval(
            tv_sec: Int(receiveTimeout), tv_usec: Int(receiveTimeout.truncatingRemainder(dividingBy: 1) * 1_000_000))
        setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let status = resolved.withSockAddr { connect(self.fd, $0, $1) }
        guard status == 0 else {
            let error = Failure(call: "connect", errno: errno)
            Glibc.close(self.fd)
            throw error
        }
    }

    package convenience init(_ address: BoundAddress, receiveTimeout: Double = 5) throws {
        try self.init(host: address.host, port: address.port, receiveTimeout: receiveTimeout)
    }

    deinit { Glibc.close(self.fd) }

    package func send(_ text: String) throws { try self.send(Array(text.utf8)) }

    package func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                Glibc.send(self.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { throw Failure(call: "send", errno: errno) }
            sent += count
        }
    }

    /// Closes our sending side only.
    package func shutdownWrite() { Glibc.shutdown(self.fd, Int32(SHUT_WR)) }

    /// Closes with a reset (SO_LINGER 0): an abrupt disconnect.
    package func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(self.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        Glibc.shutdown(self.fd, Int32(SHUT_RDWR))
    }

    /// Reads more bytes into the buffer; false on EOF, throws on timeout or error.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw Failure(call: "recv", errno: errno) }
        if count == 0 { return false }
        self.buffered += chunk[..<count]
        return true
    }

    package struct UnexpectedEOF: Error {}

    /// Reads one response, its body by `Content-Length` (none without one); `head: true` for the answer to a HEAD
    /// request (no body despite `Content-Length`).
    package func readResponse(head: Bool = false) throws -> RawResponse {
        let separator = Array("\r\n\r\n".utf8)
        var end: Int?
        while end == nil {
            if let range = self.buffered.firstRange(of: separator) {
                end = range.upperBound
            } else if try !self.fill() {
                throw UnexpectedEOF()
            }
        }
        let headText = String(decoding: self.buffered[..<(end! - 4)], as: UTF8.self)
        self.buffered.removeFirst(end!)
        let (status, headers) = RawResponse.head(headText) ?? (-1, [])
        var response = RawResponse(status: status, headers: headers, body: [])
        let length = head ? 0 : Int(response.header("Content-Length") ?? "0") ?? 0
        while self.buffered.count < length {
            guard try self.fill() else { throw UnexpectedEOF() }
        }
        response.body = Array(self.buffered[..<length])
        self.buffered.removeFirst(length)
        return response
    }

    /// Sends `request` and reads the response to it (`head: true` as for `readResponse`).
    package func roundTrip(_ request: String, head: Bool = false) throws -> RawResponse {
        try self.send(request)
        return try self.readResponse(head: head)
    }

    /// True when the server closed the connection (EOF or reset) with nothing more to read.
    package func readsEOF() throws -> Bool {
        if !self.buffered.isEmpty { return false }
        do {
            return try !self.fill()
        } catch let error as Failure where error.errno == ECONNRESET {
            return true
        }
    }

    /// Everything until EOF.
    package func readToEOF() throws -> [UInt8] {
        while try self.fill() {}
        defer { self.buffered = [] }
        return self.buffered
    }
}

extension RawHTTPClient {
    /// One request on a connection of its own (`Connection: close`), written byte for byte; the response is read
    /// to EOF. `Content-Length` is sent with a body and on every POST and PUT.
    package static func send(
        port: Int, _ method: String, _ target: String, headers: [(String, String)] = [], body: String = ""
    ) throws -> RawResponse {
        var request = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { request += "Content-Length: \(body.utf8.count)\r\n" }
        return try self.exchange(port: port, Array((request + "\r\n" + body).utf8))
    }

    /// `POST /api/oauth/<endpoint>` (`token`, `revoke`) with the default service account's Basic credentials and
    /// the form `body`.
    package static func oauth(port: Int, _ endpoint: String, body: String) throws -> RawResponse {
        let basic = Data("\(Atlas.serviceAccount.user):\(Atlas.serviceAccount.password)".utf8).base64EncodedString()
        return try self.send(
            port: port, "POST", "/api/oauth/\(endpoint)",
            headers: [("Authorization", "Basic \(basic)"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: body)
    }

    /// Sends `bytes` on a fresh connection to `127.0.0.1:port`, reads to EOF and parses the one response; its body
    /// is `Content-Length` bytes, or all that follows the head without one. The receive timeout only catches a
    /// hang: with a hundred clients at once on a loaded machine (the stress tests), an answer may take seconds.
    package static func exchange(port: Int, _ bytes: [UInt8]) throws -> RawResponse {
        let client = try RawHTTPClient(port: port, receiveTimeout: 30)
        try client.send(bytes)
        let received = try client.readToEOF()
        guard let end = received.firstRange(of: Array("\r\n\r\n".utf8)),
            let (status, headers) = RawResponse.head(String(decoding: received[..<end.lowerBound], as: UTF8.self))
        else {
            throw Failure(description: "no complete response head in \(received.count) bytes")
        }
        var response = RawResponse(status: status, headers: headers, body: [])
        let length = Int(response.header("Content-Length") ?? "") ?? (received.count - end.upperBound)
        response.body = Array(received[end.upperBound...].prefix(length))
        return response
    }
}
