import CEpoll
import Dispatch
import Glibc

/// Tells many connections that their sockets are readable through one Dispatch source. The sockets sit in an
/// edge-triggered epoll set of our own, and Dispatch watches only that set's descriptor, so one Dispatch wake-up
/// serves every connection that became readable meanwhile. A read source per connection cost a hop through
/// Dispatch's manager thread and a worker wake-up per request: with the scheduler time they caused, more than half
/// of the CPU time in the HTTP/1.1 benchmark profile.
///
/// `@unchecked Sendable` invariant: `readers` and `nextToken` are touched only on `queue`, the serial queue that
/// every connection of this loop is confined to; `register` and `deregister` check it.
final class EventLoop: @unchecked Sendable {
    let queue: DispatchQueue
    private let epollFD: Int32
    private let source: any DispatchSourceRead
    /// What to call when a registered socket becomes readable, by registration token. Tokens are never reused, so
    /// an event still pending for a connection that closed meanwhile finds nothing, even if its descriptor number
    /// already belongs to a new connection.
    private var readers: [UInt64: () -> Void] = [:]
    private var nextToken: UInt64 = 1
    /// Events taken per `epoll_wait`; a fuller set is polled again after whatever else waits on `queue`.
    private static let batchSize = 64

    init(label: String) throws(SyscallError) {
        let epollFD = try Syscall.check("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        self.epollFD = epollFD
        self.queue = DispatchQueue(label: label, target: .global())
        self.source = DispatchSource.makeReadSource(fileDescriptor: epollFD, queue: self.queue)
        self.source.setEventHandler { [weak self] in self?.poll() }
        // Dispatch requires the descriptor to stay open until the source is cancelled.
        self.source.setCancelHandler { Glibc.close(epollFD) }
        self.source.resume()
    }

    deinit {
        self.source.cancel()
    }

    /// Starts reporting `fd` as readable to `onReadable`, on `queue`, once per time new input (or EOF, or an error)
    /// arrives: edge-triggered, so the reader must read until `EAGAIN` before it can count on another call. Input
    /// already waiting when this is called is reported too. Returns the token to deregister with.
    func register(_ fd: Int32, onReadable: @escaping () -> Void) throws(SyscallError) -> UInt64 {
        dispatchPrecondition(condition: .onQueue(self.queue))
        let token = self.nextToken
        self.nextToken += 1
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLET.rawValue
        event.data.u64 = token
        try Syscall.check("epoll_ctl") { epoll_ctl(self.epollFD, EPOLL_CTL_ADD, fd, &event) }
        self.readers[token] = onReadable
        return token
    }

    /// Stops reporting `fd`; call before closing it.
    func deregister(_ fd: Int32, token: UInt64) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        self.readers[token] = nil
        _ = try? Syscall.check("epoll_ctl") { epoll_ctl(self.epollFD, EPOLL_CTL_DEL, fd, nil) }
    }

    private func poll() {
        withUnsafeTemporaryAllocation(of: epoll_event.self, capacity: Self.batchSize) { events in
            guard case .done(let count)? = try? Syscall.run("epoll_wait", {
                epoll_wait(self.epollFD, events.baseAddress, Int32(events.count), 0)
            }) else { return }
            for index in 0..<Int(count) {
                self.readers[events[index].data.u64]?()
            }
            // The set may hold more; they get their turn after the replies and timers already queued.
            if count == events.count {
                self.queue.async { self.poll() }
            }
        }
    }
}
