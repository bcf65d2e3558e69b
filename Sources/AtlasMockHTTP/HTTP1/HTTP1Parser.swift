import Glibc
import HTTPTypes

/// A strict, incremental RFC 9112 request parser: bytes in, events out. It knows nothing of sockets, so it is
/// tested on byte arrays. Every message yields `.head`, zero or more `.body` slices, then `.end`.
///
/// Policies, where the RFC leaves a choice:
/// - Lines end with CRLF only. RFC 9112 §2.2 lets a recipient accept a bare LF; we answer 400 instead, because
///   parsers disagreeing about line ends is what request smuggling feeds on, and every real client sends CRLF.
///   A bare CR anywhere is 400 too (§2.2 allows rejecting it).
/// - Empty lines before a request line are skipped (§2.2 SHOULD).
/// - Only HTTP/1.0 and HTTP/1.1 are served; any other well-formed `HTTP/x[.y]` is 505.
/// - `Transfer-Encoding` must be exactly `chunked`: another coding is 501 (we cannot decode it), `chunked` twice
///   or an empty value is 400, and so is any `Transfer-Encoding` with `Content-Length` or on HTTP/1.0 (§6.1, §6.3).
/// - Repeated `Content-Length` values are accepted only when identical (§6.3 point 5).
/// - Chunk extensions are accepted and ignored; trailer fields are validated and dropped.
struct HTTP1Parser {
    /// The limits of `ServerConfiguration` that concern parsing.
    struct Limits: Sendable {
        var maxRequestLineBytes: Int
        var maxHeaderBytes: Int
        var maxHeaderCount: Int
        var maxBodyBytes: Int

        init(maxRequestLineBytes: Int, maxHeaderBytes: Int, maxHeaderCount: Int, maxBodyBytes: Int) {
            self.maxRequestLineBytes = maxRequestLineBytes
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
        }

        init(_ configuration: ServerConfiguration) {
            self.init(
                maxRequestLineBytes: configuration.maxRequestLineBytes, maxHeaderBytes: configuration.maxHeaderBytes,
                maxHeaderCount: configuration.maxHeaderCount, maxBodyBytes: configuration.maxBodyBytes)
        }
    }

    enum Event: Equatable {
        case head(HTTP1RequestHead)
        /// Body bytes: a range of the buffer passed to the `next` call that returned this event.
        case body(Range<Int>)
        case end
    }

    /// What one `next` call did: `consumed` bytes of the input may be dropped; a nil `event` means the parser
    /// needs more input than it was given.
    struct Step: Equatable {
        var consumed: Int
        var event: Event?
    }

    private enum State {
        case requestLine
        case headers
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case end
        case failed(HTTP1ParseError)
    }

    /// The head being assembled, field line by field line.
    private struct PendingHead {
        var method = HTTPRequest.Method.get
        var target = ""
        var version = HTTPVersion.http1_1
        var absoluteAuthority: String?
        var fields = HTTPFields()
        var fieldCount = 0
        var headerBytes = 0
        var hosts: [String] = []
        var contentLength: Int?
        var transferCodings: [String]?
        var connectionTokens: [String] = []
        var expectsContinue = false
        var upgradeTokens: [String] = []
        var http2Settings: [String] = []
    }

    private let limits: Limits
    private var state = State.requestLine
    private var pending = PendingHead()
    /// Chunked bodies: bytes announced so far, and bytes of the trailer section.
    private var chunkedBodyBytes = 0
    private var trailerBytes = 0

    init(limits: Limits) {
        self.limits = limits
    }

    /// Parses as far as `input` allows, up to the next event. After an error, every call throws it again.
    mutating func next(_ input: UnsafeRawBufferPointer) throws(HTTP1ParseError) -> Step {
        if case .failed(let error) = self.state { throw error }
        do {
            return try self.advance(input)
        } catch {
            self.state = .failed(error)
            throw error
        }
    }

    private mutating func advance(_ input: UnsafeRawBufferPointer) throws(HTTP1ParseError) -> Step {
        var offset = 0
        while true {
            switch self.state {
            case .requestLine:
                guard
                    let line = try Self.line(
                        in: input, from: offset, limit: self.limits.maxRequestLineBytes, tooLong: .requestLineTooLong)
                else { return Step(consumed: offset, event: nil) }
                offset = line.next
                if line.content.isEmpty { continue }
                try self.parseRequestLine(UnsafeRawBufferPointer(rebasing: input[line.content]))
                self.state = .headers

            case .headers:
                let budget = max(0, self.limits.maxHeaderBytes - self.pending.headerBytes - 2)
                guard let line = try Self.line(in: input, from: offset, limit: budget, tooLong: .headerSectionTooLarge)
                else { return Step(consumed: offset, event: nil) }
                self.pending.headerBytes += line.next - offset
                offset = line.next
                if line.content.isEmpty {
                    let head = try self.finishHead()
                    return Step(consumed: offset, event: .head(head))
                }
                try self.parseFieldLine(UnsafeRawBufferPointer(rebasing: input[line.content]))

            case .fixedBody(let remaining):
                return self.body(in: input, from: offset, remaining: remaining, then: .end) { .fixedBody(remaining: $0) }

            case .chunkSize:
                guard
                    let line = try Self.line(
                        in: input, from: offset, limit: self.limits.maxRequestLineBytes, tooLong: .invalidChunkSize)
                else { return Step(consumed: offset, event: nil) }
                offset = line.next
                let size = try Self.chunkSize(UnsafeRawBufferPointer(rebasing: input[line.content]))
                if size == 0 {
                    self.trailerBytes = 0
                    self.state = .trailers
                } else {
                    self.chunkedBodyBytes += size
                    if self.chunkedBodyBytes > self.limits.maxBodyBytes { throw .bodyTooLarge }
                    self.state = .chunkData(remaining: size)
                }

            case .chunkData(let remaining):
                return self.body(in: input, from: offset, remaining: remaining, then: .chunkDataEnd) {
                    .chunkData(remaining: $0)
                }

            case .chunkDataEnd:
                let available = input.count - offset
                if available >= 1, input[offset] != .cr { throw .invalidChunkFraming }
                if available < 2 { return Step(consumed: offset, event: nil) }
                if input[offset + 1] != .lf { throw .invalidChunkFraming }
                offset += 2
                self.state = .chunkSize

            case .trailers:
                let budget = max(0, self.limits.maxHeaderBytes - self.trailerBytes - 2)
                guard let line = try Self.line(in: input, from: offset, limit: budget, tooLong: .headerSectionTooLarge)
                else { return Step(consumed: offset, event: nil) }
                self.trailerBytes += line.next - offset
                offset = line.next
                if line.content.isEmpty {
                    self.state = .end
                } else {
                    _ = try Self.splitFieldLine(UnsafeRawBufferPointer(rebasing: input[line.content]))
                }

            case .end:
                self.state = .requestLine
                self.pending = PendingHead()
                self.chunkedBodyBytes = 0
                return Step(consumed: offset, event: .end)

            case .failed(let error):
                throw error
            }
        }
    }

    /// Up to `remaining` body bytes from `offset` (none yet: no event); the state moves to `then` once the last
    /// is read, else to `more` of what is left.
    private mutating func body(
        in input: UnsafeRawBufferPointer, from offset: Int, remaining: Int, then: State, more: (Int) -> State
    ) -> Step {
        let count = min(input.count - offset, remaining)
        if count == 0 { return Step(consumed: offset, event: nil) }
        self.state = count == remaining ? then : more(remaining - count)
        return Step(consumed: offset + count, event: .body(offset..<offset + count))
    }

    // MARK: Lines

    /// The next CRLF-terminated line from `start`: its content (without CRLF) and where the following line starts.
    /// Nil when the line is incomplete but may still fit in `limit` content bytes.
    private static func line(
        in input: UnsafeRawBufferPointer, from start: Int, limit: Int, tooLong: HTTP1ParseError
    ) throws(HTTP1ParseError) -> (content: Range<Int>, next: Int)? {
        let available = input.count - start
        if available == 0 { return nil }
        let searched = min(available, limit + 2)
        guard let found = memchr(input.baseAddress! + start, Int32(UInt8.lf), searched) else {
            if available >= limit + 2 { throw tooLong }
            return nil
        }
        let lf = input.baseAddress!.distance(to: UnsafeRawPointer(found))
        guard lf > start, input[lf - 1] == .cr else { throw .bareLineFeed }
        return (start..<lf - 1, lf + 1)
    }

    // MARK: Request line

    private mutating func parseRequestLine(_ line: UnsafeRawBufferPointer) throws(HTTP1ParseError) {
        guard let firstSpace = line.firstIndex(of: .space),
            let secondSpace = line[(firstSpace + 1)...].firstIndex(of: .space),
            firstSpace > 0, secondSpace > firstSpace + 1, secondSpace < line.count - 1
        else { throw .malformedRequestLine }
        let methodBytes = line[..<firstSpace]
        let targetBytes = line[(firstSpace + 1)..<secondSpace]
        let versionBytes = UnsafeRawBufferPointer(rebasing: line[(secondSpace + 1)...])

        self.pending.version = try Self.version(versionBytes)
        guard let method = HTTPRequest.Method(String(decoding: methodBytes, as: UTF8.self)) else {
            throw .invalidMethod
        }
        self.pending.method = method
        guard targetBytes.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else { throw .invalidRequestTarget }
        let target = String(decoding: targetBytes, as: UTF8.self)
        try self.setTarget(target)
    }

    private static func version(_ bytes: UnsafeRawBufferPointer) throws(HTTP1ParseError) -> HTTPVersion {
        // "HTTP/" DIGIT "." DIGIT; the one-digit form ("HTTP/2") is recognised only to answer 505.
        let prefix: [UInt8] = Array("HTTP/".utf8)
        guard bytes.count >= 6, bytes.prefix(5).elementsEqual(prefix), Self.isDigit(bytes[5]) else {
            throw .malformedRequestLine
        }
        if bytes.count == 6 { throw .unsupportedVersion }
        guard bytes.count == 8, bytes[6] == UInt8(ascii: "."), Self.isDigit(bytes[7]) else {
            throw .malformedRequestLine
        }
        switch (bytes[5], bytes[7]) {
        case (UInt8(ascii: "1"), UInt8(ascii: "1")): return .http1_1
        case (UInt8(ascii: "1"), UInt8(ascii: "0")): return .http1_0
        default: throw .unsupportedVersion
        }
    }

    /// Origin form (`/path`), `*` for OPTIONS, absolute form (its authority wins over `Host`, RFC 9112 §3.2.2,
    /// and the target becomes origin form), or authority form for CONNECT.
    private mutating func setTarget(_ target: String) throws(HTTP1ParseError) {
        if target.utf8.first == UInt8(ascii: "/") || self.pending.method == .connect {
            self.pending.target = target
            return
        }
        if target == "*" {
            guard self.pending.method == .options else { throw .invalidRequestTarget }
            self.pending.target = target
            return
        }
        let lowered = target.lowercased()
        guard let schemeEnd = lowered.firstRange(of: "://"),
            lowered[..<schemeEnd.lowerBound] == "http" || lowered[..<schemeEnd.lowerBound] == "https"
        else { throw .invalidRequestTarget }
        let rest = target[schemeEnd.upperBound...]
        let pathStart = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<pathStart]
        guard !authority.isEmpty else { throw .invalidRequestTarget }
        let path = rest[pathStart...]
        self.pending.absoluteAuthority = String(authority)
        self.pending.target = path.first == "/" ? String(path) : "/" + path
    }

    // MARK: Field lines

    /// Splits `name: value` and validates both: the name is a token right before the colon, the value has no
    /// control characters but HTAB (so no NUL, no bare CR), optional whitespace around it is dropped.
    private static func splitFieldLine(
        _ line: UnsafeRawBufferPointer
    ) throws(HTTP1ParseError) -> (name: HTTPField.Name, value: UnsafeRawBufferPointer) {
        if line[0] == .space || line[0] == .tab { throw .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
            let name = HTTPField.Name(String(decoding: line[..<colon], as: UTF8.self))
        else { throw .invalidHeaderName }
        var start = colon + 1
        var end = line.count
        while start < end, line[start] == .space || line[start] == .tab { start += 1 }
        while end > start, line[end - 1] == .space || line[end - 1] == .tab { end -= 1 }
        let value = UnsafeRawBufferPointer(rebasing: line[start..<end])
        guard value.allSatisfy({ $0 == .tab || ($0 >= 0x20 && $0 != 0x7F) }) else { throw .invalidHeaderValue }
        return (name, value)
    }

    private mutating func parseFieldLine(_ line: UnsafeRawBufferPointer) throws(HTTP1ParseError) {
        self.pending.fieldCount += 1
        if self.pending.fieldCount > self.limits.maxHeaderCount { throw .tooManyHeaderFields }
        let (name, value) = try Self.splitFieldLine(line)
        switch name {
        case .hostField:
            self.pending.hosts.append(String(decoding: value, as: UTF8.self))
            return
        case .contentLength:
            for element in Self.listElements(value) {
                guard (1...18).contains(element.count), element.utf8.allSatisfy(Self.isDigit),
                    let length = Int(element),
                    self.pending.contentLength == nil || self.pending.contentLength == length
                else { throw .invalidContentLength }
                self.pending.contentLength = length
            }
            if self.pending.contentLength == nil { throw .invalidContentLength }
        case .transferEncoding:
            self.pending.transferCodings = (self.pending.transferCodings ?? []) + Self.listElements(value)
        case .connection:
            self.pending.connectionTokens += Self.listElements(value)
        case .expect:
            self.pending.expectsContinue = Self.listElements(value).contains("100-continue")
        case .upgrade:
            self.pending.upgradeTokens += Self.listElements(value)
        case .http2Settings:
            self.pending.http2Settings.append(String(decoding: value, as: UTF8.self))
        default:
            break
        }
        self.pending.fields.append(HTTPField(name: name, value: value))
    }

    /// The lowercased non-empty elements of a comma-separated list, whitespace trimmed (RFC 9110 §5.6.1).
    private static func listElements(_ value: UnsafeRawBufferPointer) -> [String] {
        value.split(separator: UInt8(ascii: ",")).compactMap { element in
            guard let first = element.firstIndex(where: { $0 != .space && $0 != .tab }),
                let last = element.lastIndex(where: { $0 != .space && $0 != .tab })
            else { return nil }
            return String(decoding: element[first...last], as: UTF8.self).lowercased()
        }
    }

    private mutating func finishHead() throws(HTTP1ParseError) -> HTTP1RequestHead {
        let pending = self.pending
        if pending.hosts.count > 1 { throw .duplicateHost }
        if pending.version == .http1_1, pending.hosts.isEmpty { throw .missingHost }
        var isChunked = false
        if let codings = pending.transferCodings {
            if pending.contentLength != nil { throw .contentLengthWithTransferEncoding }
            if pending.version == .http1_0 { throw .invalidTransferEncoding }
            if codings.contains(where: { $0 != "chunked" }) { throw .unsupportedTransferCoding }
            guard codings.count == 1 else { throw .invalidTransferEncoding }
            isChunked = true
        }
        let length = pending.contentLength ?? 0
        if length > self.limits.maxBodyBytes { throw .bodyTooLarge }

        self.state = isChunked ? .chunkSize : length > 0 ? .fixedBody(remaining: length) : .end
        return HTTP1RequestHead(
            method: pending.method, target: pending.target, version: pending.version,
            authority: pending.absoluteAuthority ?? pending.hosts.first, headerFields: pending.fields,
            contentLength: pending.contentLength, isChunked: isChunked, connectionTokens: pending.connectionTokens,
            expectsContinue: pending.expectsContinue, upgradeTokens: pending.upgradeTokens,
            http2Settings: pending.http2Settings.count == 1 ? pending.http2Settings[0] : nil)
    }

    // MARK: Chunks

    /// `chunk-size [ BWS ";" chunk-ext ]`: up to 15 hex digits (so the sum cannot overflow), extensions ignored.
    private static func chunkSize(_ line: UnsafeRawBufferPointer) throws(HTTP1ParseError) -> Int {
        var size = 0
        var index = 0
        while index < line.count, let digit = Self.hexValue(line[index]) {
            if index == 15 { throw .invalidChunkSize }
            size = size << 4 | digit
            index += 1
        }
        if index == 0 { throw .invalidChunkSize }
        while index < line.count, line[index] == .space || line[index] == .tab { index += 1 }
        if index == line.count { return size }
        guard line[index] == UInt8(ascii: ";") else { throw .invalidChunkSize }
        guard line[index...].allSatisfy({ $0 == .tab || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw .invalidChunkFraming
        }
        return size
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}

extension HTTPField.Name {
    /// HTTPTypes hides `.host` to steer users to `authority`; HTTP/1.1 parsing is where `Host` becomes it.
    static let hostField = Self("Host")!
    /// RFC 7540 §3.2.1: carries the client's SETTINGS for an `Upgrade: h2c` request.
    static let http2Settings = Self("HTTP2-Settings")!
}

extension UInt8 {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
}
