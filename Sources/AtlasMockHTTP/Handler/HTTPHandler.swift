/// The application side of the server. The transport calls `handle` once per request, on the
/// connection's queue, and sends whatever `reply` is given, whenever it is given: a handler may
/// answer at once or later (e.g. after an injected delay) without blocking a thread.
///
/// `reply` must be called exactly once. If the handler throws, the transport answers 500 instead
/// (`responseForFailure`), and the connection stays usable.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPServerRequest, reply: @escaping @Sendable (HTTPServerReply) -> Void) throws

    /// The response the transport sends when `handle` throws. The application decides its body
    /// (for Atlas: the documented `UNEXPECTED_ERROR` payload); the transport never leaks the error.
    func responseForFailure(_ error: any Error, request: HTTPServerRequest) -> HTTPServerResponse
}
