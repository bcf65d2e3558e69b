import Dispatch
import Foundation
import Glibc
import HTTPTypes
import Logging
import Testing

@testable import AtlasMockHTTP

/// Answers by path, so each test can ask for the behaviour it needs:
/// `/echo` returns the body, `/delay/<ms>` answers later, `/throw` throws, `/drop` drops the connection,
/// `/big/<bytes>` returns a large body, `/empty` is 204; anything else describes the request.
struct RoutingTestHandler: HTTPHandler {
    struct Failure: Error {}

    func handle(_ request: HTTPServerRequest, reply: @escaping @Sendable (HTTPServerReply) -> Void) throws {
        let parts = request.path.split(separator: "/")
        switch parts.first {
        case "echo":
            reply(.response(HTTPServerResponse(status: .ok, headerFields: [.contentType: "application/octet-stream"],
                                               body: request.body)))
        case "delay":
            let millis = Int(parts.last ?? "") ?? 0
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(millis)) {
                reply(.response(HTTPServerResponse(status: .ok, body: Array("delayed \(millis)".utf8))))
            }
        case "throw":
            throw Failure()
        case "drop":
            reply(.dropConnection)
        case "big":
            let size = Int(parts.last ?? "") ?? 0
            reply(.response(HTTPServerResponse(status: .ok, body: [UInt8](repeating: UInt8(ascii: "x"), count: size))))
        case "empty":
            reply(.response(HTTPServerResponse(status: .noContent)))
        default:
            let text = "\(request.head.method.rawValue) \(request.target) \(request.version.rawValue) "
                + "\(request.head.authority ?? "-") \(request.body.count)"
            reply(.response(HTTPServerResponse(status: .ok, headerFields: [.contentType: "text/plain"],
                                               body: Array(text.utf8))))
        }
    }

    func responseForFailure(_ error: any Error, request: HTTPServerRequest) -> HTTPServerResponse {
        HTTPServerResponse(status: .internalServerError, body: Array("handler failed".utf8))
    }
}

/// Starts a server on `host` port 0 with `configure` applied, runs `body`, and always shuts it down.
func withServer<Result>(
    host: String = "127.0.0.1", configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (HTTPServer, BoundAddress) async throws -> Result
) async throws -> Result {
    var configuration = ServerConfiguration()
    configuration.host = host
    configuration.port = 0
    configure(&configuration)
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    let server = HTTPServer(configuration: configuration, handler: RoutingTestHandler(), logger: logger)
    let address = try server.start()[0]
    defer { server.shutdownNow() }
    return try await body(server, address)
}

/// Both loopback families: every live test runs on each.
let loopbackHosts = ["127.0.0.1", "::1"]

/// A parsed HTTP/1.1 response as a raw client saw it.
struct RawResponse: Equatable, CustomStringConvertible {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.map { "\($0.0): \($0.1)" } == rhs.headers.map { "\($0.0): \($0.1)" }
    }

    func header(_ name: String) -> String? {
        self.headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: self.body, as: UTF8.self) }
    var description: String { "\(self.status) \(self.headers) \(self.text)" }
}

/// A blocking TCP client with a receive timeout, for byte-exact conversations with the server.
final class RawClient {
    let fd: Int32
    private var buffered: [UInt8] = []

    init(_ address: BoundAddress, receiveTimeout: Double = 5) throws {
        let resolved = try #require(try SocketAddress.resolve(host: address.host, port: address.port).first)
        self.fd = socket(resolved.family, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout.truncatingRemainder(dividingBy: 1)) * 1_000_000))
        setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let status = resolved.withSockAddr { connect(self.fd, $0, $1) }
        guard status == 0 else {
            let error = SyscallError(call: "connect", errno: errno)
            Glibc.close(self.fd)
            throw error
        }
    }

    deinit { Glibc.close(self.fd) }

    func send(_ text: String) throws { try self.send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(self.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw SyscallError(call: "send", errno: errno) }
            sent += count
        }
    }

    /// Closes our sending side only.
    func shutdownWrite() { Glibc.shutdown(self.fd, Int32(SHUT_WR)) }

    /// Closes with a reset (SO_LINGER 0): an abrupt disconnect.
    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(self.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        Glibc.shutdown(self.fd, Int32(SHUT_RDWR))
    }

    /// Reads more bytes into the buffer; false on EOF, throws on timeout or error.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw SyscallError(call: "recv", errno: errno) }
        if count == 0 { return false }
        self.buffered += chunk[..<count]
        return true
    }

    struct UnexpectedEOF: Error {}

    /// Reads one response; `head: true` for the answer to a HEAD request (no body despite Content-Length).
    func readResponse(head: Bool = false) throws -> RawResponse {
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
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        let status = Int(statusLine[1]) ?? -1
        let headers = lines.map { line -> (String, String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = RawResponse(status: status, headers: headers, body: [])
        let length = head ? 0 : Int(response.header("Content-Length") ?? "0") ?? 0
        while self.buffered.count < length {
            guard try self.fill() else { throw UnexpectedEOF() }
        }
        response.body = Array(self.buffered[..<length])
        self.buffered.removeFirst(length)
        return response
    }

    /// True when the server closed the connection (EOF or reset) with nothing more to read.
    func readsEOF() throws -> Bool {
        if !self.buffered.isEmpty { return false }
        do {
            return try !self.fill()
        } catch let error as SyscallError where error.errno == ECONNRESET {
            return true
        }
    }

    /// Everything until EOF.
    func readToEOF() throws -> [UInt8] {
        while try self.fill() {}
        defer { self.buffered = [] }
        return self.buffered
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// Runs `executable` with `arguments`; returns its exit status and standard output (standard error is dropped).
func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
