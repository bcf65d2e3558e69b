import Glibc

/// A failed system call: its name and `errno`, so logs and bind failures say what went wrong.
public struct SyscallError: Error, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public var description: String {
        "\(self.call) failed: \(String(cString: strerror(self.errno))) (errno \(self.errno))"
    }
}

/// The outcome of a non-blocking call: done with a value, or the kernel asked us to come back later.
enum IOResult<Value> {
    case done(Value)
    case wouldBlock
}

/// The one door to the kernel: every call retries `EINTR`, reports `EAGAIN`/`EWOULDBLOCK` as a result
/// (it is normal flow on non-blocking sockets, not an error) and throws anything else with the call's name.
enum Syscall {
    /// `body` returns the raw result of a call that signals failure with -1 and `errno`.
    static func run<Value: BinaryInteger>(
        _ call: String, _ body: () -> Value
    ) throws(SyscallError) -> IOResult<Value> {
        while true {
            let result = body()
            if result != -1 { return .done(result) }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: throw SyscallError(call: call, errno: code)
            }
        }
    }

    /// For calls that never legitimately block (bind, listen, setsockopt...): `EAGAIN` is an error too.
    @discardableResult
    static func check<Value: BinaryInteger>(_ call: String, _ body: () -> Value) throws(SyscallError) -> Value {
        switch try self.run(call, body) {
        case .done(let value): return value
        case .wouldBlock: throw SyscallError(call: call, errno: EAGAIN)
        }
    }

    /// Writes to a socket whose peer has gone must fail with `EPIPE`, not kill the process. `MSG_NOSIGNAL`
    /// covers `send`, but `writev` has no flag, hence the process-wide ignore, done once.
    static func ignoreSIGPIPE() {
        _ = self.sigpipeIgnored
    }

    private static let sigpipeIgnored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

    /// Sets an integer socket option.
    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(SyscallError) {
        var value = value
        try self.check("setsockopt") {
            setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }
}
