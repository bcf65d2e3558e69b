import HTTPTypes

/// Turns responses into HTTP/1.1 bytes: the head in one buffer, with `Date`, `Content-Length` and
/// `Connection` owned by the transport (a handler's own framing fields are dropped, they could only lie).
enum HTTP1ResponseSerializer {
    /// Bodies up to this size are copied behind the head so the response leaves in one buffer and one write;
    /// larger ones are queued as they are, without a copy.
    static let inlineBodyLimit = 16 * 1024

    /// Fields the transport writes itself.
    private static let transportFields: [HTTPField.Name] = [
        .contentLength, .transferEncoding, .connection, .date, HTTPField.Name("Keep-Alive")!,
    ]

    /// Queues `response`. `includeBody` is false for HEAD (Content-Length still states the GET body's size)
    /// and for statuses without a body.
    static func write(
        _ response: HTTPServerResponse, keepAlive: Bool, requestVersion: HTTPVersion, includeBody: Bool,
        to io: any ConnectionIO
    ) {
        let status = response.head.status
        let body = response.body
        let inline = includeBody && body.count <= Self.inlineBodyLimit
        var head: [UInt8] = []
        head.reserveCapacity(256 + (inline ? body.count : 0))
        Self.appendStatusLine(status, to: &head)
        for field in response.head.headerFields where !Self.transportFields.contains(field.name) {
            Self.append(field.name.rawName, field.value, to: &head)
        }
        for field in response.appendedFields where !Self.transportFields.contains(field.name) {
            Self.append(field.name.rawName, field.value, to: &head)
        }
        Self.append("Date", HTTPDate.now(), to: &head)
        if status.allowsContent {
            Self.append("Content-Length", String(body.count), to: &head)
        }
        if !keepAlive {
            Self.append("Connection", "close", to: &head)
        } else if requestVersion == .http1_0 {
            Self.append("Connection", "keep-alive", to: &head)
        }
        head.append(.cr)
        head.append(.lf)
        if inline {
            head.append(contentsOf: body)
            io.send(head)
        } else {
            io.send(head)
            if includeBody { io.send(body) }
        }
    }

    /// A transport error (parse failure, timeout): plain text naming the problem, then the connection closes.
    static func writeError(status: HTTPResponse.Status, message: String, to io: any ConnectionIO) {
        let response = HTTPServerResponse(
            status: status, headerFields: [.contentType: "text/plain; charset=utf-8"],
            body: Array((message + "\n").utf8))
        Self.write(response, keepAlive: false, requestVersion: .http1_1, includeBody: true, to: io)
    }

    private static let standardPhrases: [Int: String] = [
        100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
        304: "Not Modified", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
        411: "Length Required", 413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
        429: "Too Many Requests", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
        501: "Not Implemented", 503: "Service Unavailable", 505: "HTTP Version Not Supported",
    ]

    private static func appendStatusLine(_ status: HTTPResponse.Status, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: "HTTP/1.1 ".utf8)
        buffer.append(contentsOf: String(status.code).utf8)
        buffer.append(.space)
        // A status built from a bare code has no phrase; clients print it, so use the standard one.
        let phrase = status.reasonPhrase.isEmpty ? Self.standardPhrases[status.code] ?? "" : status.reasonPhrase
        buffer.append(contentsOf: phrase.utf8)
        buffer.append(.cr)
        buffer.append(.lf)
    }

    private static func append(_ name: String, _ value: String, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: name.utf8)
        buffer.append(contentsOf: ": ".utf8)
        buffer.append(contentsOf: value.utf8)
        buffer.append(.cr)
        buffer.append(.lf)
    }
}
