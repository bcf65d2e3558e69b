import Dispatch
import Glibc
import Logging

/// A non-blocking listening socket that accepts on its own queue, draining the backlog on each wake-up.
///
/// Binding `::` clears `IPV6_V6ONLY` so "all interfaces" means IPv4 too, as `0.0.0.0` users would expect;
/// other IPv6 addresses are unaffected by the option. `SO_REUSEADDR` lets a restarted server bind while old
/// connections sit in TIME_WAIT.
///
/// `@unchecked Sendable` invariant: `source` and `fd` are set in `init` and only used through `source`'s
/// handlers, which run on `queue`, and through `start`/`stop`, which Dispatch makes safe to call from anywhere.
final class Listener: @unchecked Sendable {
    /// What to do with an accepted, non-blocking socket; runs on the listener's queue.
    typealias AcceptHandler = @Sendable (_ fd: Int32, _ remote: SocketAddress) -> Void

    let address: BoundAddress
    private let fd: Int32
    private let queue = DispatchQueue(label: "atlas-mock.listener")
    private let source: any DispatchSourceRead
    private let logger: Logger

    /// Binds and listens on the first address `host` resolves to that accepts a bind.
    init(host: String, port: Int, isTLS: Bool, logger: Logger, onAccept: @escaping AcceptHandler) throws {
        Syscall.ignoreSIGPIPE()
        let candidates = try SocketAddress.resolve(host: host, port: port)
        var lastError: (any Error)?
        var bound: (fd: Int32, address: SocketAddress)?
        for candidate in candidates {
            do {
                bound = (try Self.listen(on: candidate), candidate)
                break
            } catch {
                lastError = error
            }
        }
        guard let bound else {
            throw ListenError(host: host, port: port, underlying: lastError ?? AddressError(message: "no address"))
        }
        self.fd = bound.fd
        let local = try SocketAddress { address, length in
            try Syscall.check("getsockname") { getsockname(bound.fd, address, length) }
        }
        self.address = BoundAddress(host: local.boundAddress.host, port: local.boundAddress.port, isTLS: isTLS)
        self.logger = logger
        self.source = DispatchSource.makeReadSource(fileDescriptor: bound.fd, queue: self.queue)
        let fd = bound.fd
        // The handlers keep `self` until `stop` cancels the source and Dispatch releases them.
        self.source.setEventHandler { self.acceptAll(onAccept) }
        self.source.setCancelHandler { Glibc.close(fd) }
    }

    private static func listen(on address: SocketAddress) throws -> Int32 {
        let fd = try Syscall.check("socket") {
            socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        do {
            try Syscall.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            if address.family == AF_INET6 {
                try Syscall.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 0)
            }
            _ = try address.withSockAddr { pointer, length in
                try Syscall.check("bind") { bind(fd, pointer, length) }
            }
            try Syscall.check("listen") { Glibc.listen(fd, SOMAXCONN) }
            return fd
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    func start() {
        self.source.resume()
    }

    /// Stops accepting and closes the socket (once Dispatch has let go of it).
    func stop() {
        self.source.cancel()
    }

    /// Closes a listener that was never started: cancelled first, so activating it only runs the cancel handler
    /// (Dispatch must not release a source that was never activated).
    func abandon() {
        self.source.cancel()
        self.source.activate()
    }

    private func acceptAll(_ onAccept: AcceptHandler) {
        while true {
            var accepted: IOResult<Int32> = .wouldBlock
            do {
                let remote = try SocketAddress { address, length in
                    accepted = try Syscall.run("accept") { accept(self.fd, address, length) }
                }
                guard case .done(let client) = accepted else { return }
                // accept4 is hidden from Swift's Glibc module, hence two fcntl calls. Close-on-exec keeps
                // client sockets out of child processes, which would otherwise hold connections open.
                do {
                    try Syscall.check("fcntl") { fcntl(client, F_SETFL, O_NONBLOCK) }
                    try Syscall.check("fcntl") { fcntl(client, F_SETFD, FD_CLOEXEC) }
                    // Responses leave in whole buffers; Nagle would only delay the next pipelined one.
                    try Syscall.setOption(client, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
                } catch {
                    Glibc.close(client)
                    throw error
                }
                onAccept(client, remote)
            } catch let error as SyscallError where error.errno == ECONNABORTED || error.errno == EPROTO {
                continue  // The client gave up while queued: not our problem.
            } catch {
                // Out of descriptors or memory: the backlog stays readable, so without a pause this would spin.
                self.logger.error("accept failed: \(error)")
                self.source.suspend()
                self.queue.asyncAfter(deadline: .now() + .milliseconds(100)) { self.source.resume() }
                return
            }
        }
    }
}

/// Binding or listening failed; names the address, e.g. `cannot listen on 127.0.0.1:8080: bind failed: ...`.
public struct ListenError: Error, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let underlying: any Error

    public var description: String {
        let address = self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
        return "cannot listen on \(address): \(self.underlying)"
    }
}
