import HTTPTypes
import Testing

@testable import AtlasMockHTTP

/// What the parser made of a byte stream: the messages it completed, and the error that stopped it.
private struct Parsed {
    var heads: [HTTP1RequestHead] = []
    var bodies: [[UInt8]] = []
    var ended = 0
    var error: HTTP1ParseError?
}

private let defaultLimits = HTTP1Parser.Limits(
    maxRequestLineBytes: 64, maxHeaderBytes: 256, maxHeaderCount: 8, maxBodyBytes: 32)

/// Feeds `input` in pieces of `piece` bytes, keeping unconsumed bytes the way the engine does.
private func parse(_ input: String, limits: HTTP1Parser.Limits = defaultLimits, piece: Int = .max) -> Parsed {
    parse(Array(input.utf8), limits: limits, piece: piece)
}

private func parse(_ input: [UInt8], limits: HTTP1Parser.Limits = defaultLimits, piece: Int = .max) -> Parsed {
    var parser = HTTP1Parser(limits: limits)
    var parsed = Parsed()
    var buffer: [UInt8] = []
    var fed = 0
    while fed < input.count {
        let end = min(input.count, fed + min(piece, input.count))
        buffer += input[fed..<end]
        fed = end
        parsing: while true {
            let result = buffer.withUnsafeBytes { bytes in
                Result { () throws(HTTP1ParseError) -> (HTTP1Parser.Step, [UInt8]) in
                    let step = try parser.next(bytes)
                    if case .body(let range) = step.event { return (step, Array(bytes[range])) }
                    return (step, [])
                }
            }
            switch result {
            case .failure(let error):
                parsed.error = error
                return parsed
            case .success(let (step, body)):
                buffer.removeFirst(step.consumed)
                switch step.event {
                case .head(let head):
                    parsed.heads.append(head)
                    parsed.bodies.append([])
                case .body:
                    parsed.bodies[parsed.bodies.count - 1] += body
                case .end:
                    parsed.ended += 1
                case nil:
                    break
                }
                if step.event == nil { break parsing }
            }
        }
    }
    return parsed
}

struct ValidRequest: Sendable, CustomTestStringConvertible {
    let name: String
    let raw: String
    let method: HTTPRequest.Method
    let target: String
    let version: HTTPVersion
    let authority: String?
    let body: String
    var testDescription: String { self.name }
}

struct MalformedRequest: Sendable, CustomTestStringConvertible {
    let name: String
    let raw: [UInt8]
    let error: HTTP1ParseError
    let status: Int
    init(_ name: String, _ raw: String, _ error: HTTP1ParseError, _ status: Int) {
        self.init(name, Array(raw.utf8), error, status)
    }
    init(_ name: String, _ raw: [UInt8], _ error: HTTP1ParseError, _ status: Int) {
        self.name = name
        self.raw = raw
        self.error = error
        self.status = status
    }
    var testDescription: String { self.name }
}

@Suite("HTTP/1.1 parser")
struct HTTP1ParserTests {
    static let valid: [ValidRequest] = [
        .init(name: "simple GET", raw: "GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\n", method: .get, target: "/a?b=1",
              version: .http1_1, authority: "x", body: ""),
        .init(name: "HTTP/1.0 without Host", raw: "GET / HTTP/1.0\r\n\r\n", method: .get, target: "/",
              version: .http1_0, authority: nil, body: ""),
        .init(name: "leading empty lines skipped", raw: "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", method: .get,
              target: "/", version: .http1_1, authority: "x", body: ""),
        .init(name: "Content-Length body", raw: "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
              method: .post, target: "/p", version: .http1_1, authority: "x", body: "hello"),
        .init(name: "identical repeated Content-Length", raw:
              "PUT /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc",
              method: .put, target: "/p", version: .http1_1, authority: "x", body: "abc"),
        .init(name: "chunked with extensions and trailers", raw:
              "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n"
              + "3;name=value\r\nabc\r\nA ; x\r\n0123456789\r\n0\r\nTrailer-Field: t\r\n\r\n",
              method: .post, target: "/c", version: .http1_1, authority: "x", body: "abc0123456789"),
        .init(name: "absolute form overrides Host", raw: "GET http://real:1/p?q HTTP/1.1\r\nHost: other\r\n\r\n",
              method: .get, target: "/p?q", version: .http1_1, authority: "real:1", body: ""),
        .init(name: "absolute form without path", raw: "GET https://real?q HTTP/1.1\r\nHost: other\r\n\r\n",
              method: .get, target: "/?q", version: .http1_1, authority: "real", body: ""),
        .init(name: "OPTIONS *", raw: "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", method: .options, target: "*",
              version: .http1_1, authority: "x", body: ""),
        .init(name: "extension method, obs-text and tabs in values", raw:
              "PURGE /x HTTP/1.1\r\nHost: x\r\nX-Thing:\t a\u{00E9}b \t\r\n\r\n",
              method: HTTPRequest.Method("PURGE")!, target: "/x", version: .http1_1, authority: "x", body: ""),
    ]

    @Test(arguments: Self.valid)
    func parsesValidRequestWholeAndByteByByte(_ request: ValidRequest) throws {
        for piece in [Int.max, 1] {
            let parsed = parse(request.raw, piece: piece)
            #expect(parsed.error == nil)
            let head = try #require(parsed.heads.first)
            #expect(parsed.heads.count == 1)
            #expect(parsed.ended == 1)
            #expect(head.method == request.method)
            #expect(head.target == request.target)
            #expect(head.version == request.version)
            #expect(head.authority == request.authority)
            #expect(head.headerFields[HTTPField.Name.hostField] == nil)
            #expect(parsed.bodies == [Array(request.body.utf8)])
        }
    }

    static let malformed: [MalformedRequest] = [
        .init("request line over the limit", "GET /\(String(repeating: "a", count: 80)) HTTP/1.1\r\n", .requestLineTooLong, 414),
        .init("unterminated request line over the limit", "GET /\(String(repeating: "a", count: 80))",
              .requestLineTooLong, 414),
        .init("header section over the limit", "GET / HTTP/1.1\r\nHost: x\r\nX: \(String(repeating: "a", count: 300))\r\n\r\n",
              .headerSectionTooLarge, 431),
        .init("too many header fields", "GET / HTTP/1.1\r\nHost: x\r\n" + String(repeating: "A: b\r\n", count: 8) + "\r\n",
              .tooManyHeaderFields, 431),
        .init("Content-Length over the body limit", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 33\r\n\r\n",
              .bodyTooLarge, 413),
        .init("chunked body over the limit", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n"
              + String(repeating: "a", count: 32) + "\r\n1\r\n", .bodyTooLarge, 413),
        .init("missing target", "GET HTTP/1.1\r\nHost: x\r\n\r\n", .malformedRequestLine, 400),
        .init("double space", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", .malformedRequestLine, 400),
        .init("trailing space", "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", .malformedRequestLine, 400),
        .init("lowercase version", "GET / http/1.1\r\nHost: x\r\n\r\n", .malformedRequestLine, 400),
        .init("bare CR in request line", "GET /\ra HTTP/1.1\r\nHost: x\r\n\r\n", .invalidRequestTarget, 400),
        .init("invalid method token", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", .invalidMethod, 400),
        .init("relative target", "GET a/b HTTP/1.1\r\nHost: x\r\n\r\n", .invalidRequestTarget, 400),
        .init("asterisk outside OPTIONS", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", .invalidRequestTarget, 400),
        .init("non-ASCII target", "GET /\u{00E9} HTTP/1.1\r\nHost: x\r\n\r\n", .invalidRequestTarget, 400),
        .init("HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", .unsupportedVersion, 505),
        .init("HTTP/1.2", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", .unsupportedVersion, 505),
        .init("HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", .unsupportedVersion, 505),
        .init("HTTP/3", "GET / HTTP/3\r\n\r\n", .unsupportedVersion, 505),
        .init("bare LF after request line", "GET / HTTP/1.1\nHost: x\r\n\r\n", .bareLineFeed, 400),
        .init("bare LF after a field", "GET / HTTP/1.1\r\nHost: x\n\r\n", .bareLineFeed, 400),
        .init("bare LF ending the head", "GET / HTTP/1.1\r\nHost: x\r\n\n", .bareLineFeed, 400),
        .init("obsolete line folding", "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", .obsoleteLineFolding, 400),
        .init("whitespace before first field", "GET / HTTP/1.1\r\n Host: x\r\n\r\n", .obsoleteLineFolding, 400),
        .init("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", .invalidHeaderName, 400),
        .init("no colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n", .invalidHeaderName, 400),
        .init("empty name", "GET / HTTP/1.1\r\n: x\r\n\r\n", .invalidHeaderName, 400),
        .init("separator in name", "GET / HTTP/1.1\r\nA(b: x\r\n\r\n", .invalidHeaderName, 400),
        .init("NUL in value", "GET / HTTP/1.1\r\nHost: x\r\nX: a\u{0}b\r\n\r\n", .invalidHeaderValue, 400),
        .init("bare CR in value", "GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n", .invalidHeaderValue, 400),
        .init("DEL in value", "GET / HTTP/1.1\r\nHost: x\r\nX: a\u{7F}b\r\n\r\n", .invalidHeaderValue, 400),
        .init("missing Host on 1.1", "GET / HTTP/1.1\r\nX: y\r\n\r\n", .missingHost, 400),
        .init("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .duplicateHost, 400),
        .init("Content-Length not a number", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n",
              .invalidContentLength, 400),
        .init("negative Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
              .invalidContentLength, 400),
        .init("empty Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n",
              .invalidContentLength, 400),
        .init("huge Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
              .invalidContentLength, 400),
        .init("conflicting Content-Length list", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n",
              .invalidContentLength, 400),
        .init("conflicting Content-Length fields", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
              .invalidContentLength, 400),
        .init("Content-Length with Transfer-Encoding",
              "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
              .contentLengthWithTransferEncoding, 400),
        .init("Transfer-Encoding on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
              .invalidTransferEncoding, 400),
        .init("chunked twice", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
              .invalidTransferEncoding, 400),
        .init("empty Transfer-Encoding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \r\n\r\n",
              .invalidTransferEncoding, 400),
        .init("gzip coding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
              .unsupportedTransferCoding, 501),
        .init("unknown coding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: bogus\r\n\r\n",
              .unsupportedTransferCoding, 501),
        .init("non-hex chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
              .invalidChunkSize, 400),
        .init("empty chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
              .invalidChunkSize, 400),
        .init("negative chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
              .invalidChunkSize, 400),
        .init("overflowing chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "10000000000000000\r\n", .invalidChunkSize, 400),
        .init("garbage after chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3 x\r\n",
              .invalidChunkSize, 400),
        .init("chunk data longer than announced",
              "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n",
              .invalidChunkFraming, 400),
        .init("NUL in chunk extension",
              "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;a\u{0}\r\nabc\r\n",
              .invalidChunkFraming, 400),
        .init("bare LF after chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n",
              .bareLineFeed, 400),
        .init("invalid trailer", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n",
              .invalidHeaderName, 400),
        .init("invalid UTF-8 is still checked byte by byte", [0x47, 0x45, 0x54, 0x20, 0x2F, 0xFF, 0x20]
              + Array("HTTP/1.1\r\nHost: x\r\n\r\n".utf8), .invalidRequestTarget, 400),
    ]

    @Test(arguments: Self.malformed)
    func rejectsMalformedInputWholeAndByteByByte(_ request: MalformedRequest) {
        for piece in [Int.max, 1] {
            let parsed = parse(request.raw, piece: piece)
            #expect(parsed.error == request.error, "piece \(piece)")
            #expect(parsed.error?.status.code == request.status)
            #expect(parsed.ended == 0)
        }
    }

    @Test func staysFailedAfterAnError() {
        var parser = HTTP1Parser(limits: defaultLimits)
        let bad = Array("GET / HTTP/9.9\r\n".utf8)
        let good = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        for input in [bad, good] {
            _ = input.withUnsafeBytes { bytes in
                #expect(throws: HTTP1ParseError.unsupportedVersion) { try parser.next(bytes) }
            }
        }
    }

    @Test func requestLineAndHeadersExactlyAtTheirLimitsPass() {
        let line = "GET /" + String(repeating: "a", count: 64 - 14) + " HTTP/1.1"
        #expect(line.utf8.count == 64)
        let exact = parse(line + "\r\nHost: x\r\n\r\n")
        #expect(exact.error == nil)
        #expect(exact.ended == 1)
        let fields = (0..<7).map { "F\($0): v\r\n" }.joined()
        let counted = parse("GET / HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n")
        #expect(counted.error == nil)
        #expect(counted.heads.first?.headerFields.count == 7)
        let body = String(repeating: "b", count: 32)
        let fullBody = parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 32\r\n\r\n" + body)
        #expect(fullBody.bodies == [Array(body.utf8)])
    }

    @Test func pipelinedRequestsComeOutInOrder() {
        let raw = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
            + "GET /3 HTTP/1.1\r\nHost: x\r\n\r\n"
        for piece in [Int.max, 1, 7] {
            let parsed = parse(raw, piece: piece)
            #expect(parsed.heads.map(\.target) == ["/1", "/2", "/3"])
            #expect(parsed.bodies == [[], Array("hi".utf8), []])
            #expect(parsed.ended == 3)
        }
    }

    @Test func connectionSemantics() throws {
        let http11 = try #require(parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n").heads.first)
        #expect(http11.keepAlive)
        let closing = try #require(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, Close\r\n\r\n").heads.first)
        #expect(!closing.keepAlive)
        let http10 = try #require(parse("GET / HTTP/1.0\r\n\r\n").heads.first)
        #expect(!http10.keepAlive)
        let http10KeepAlive = try #require(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").heads.first)
        #expect(http10KeepAlive.keepAlive)
        let expecting = try #require(
            parse("PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n").heads.first)
        #expect(expecting.expectsContinue)
        #expect(expecting.hasBody)
    }

    @Test func h2cUpgradeIsRecognisedOnlyWhenComplete() throws {
        let upgrade = "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
            + "HTTP2-Settings: AAMAAABkAAQAAP__\r\n"
        let valid = try #require(parse(upgrade + "\r\n").heads.first)
        #expect(valid.h2cUpgradeSettings == "AAMAAABkAAQAAP__")
        let withBody = try #require(parse(upgrade + "Content-Length: 1\r\n\r\nx").heads.first)
        #expect(withBody.h2cUpgradeSettings == nil)
        let twoSettings = try #require(parse(upgrade + "HTTP2-Settings: AAAA\r\n\r\n").heads.first)
        #expect(twoSettings.h2cUpgradeSettings == nil)
        let noConnectionToken = try #require(
            parse("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nHTTP2-Settings: AAAA\r\n\r\n").heads.first)
        #expect(noConnectionToken.h2cUpgradeSettings == nil)
    }

    @Test func fieldsKeepOrderAndCaseOfNames() throws {
        let head = try #require(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-a: 2\r\nAccept: */*\r\n\r\n").heads.first)
        #expect(head.headerFields.map(\.name.rawName) == ["X-A", "x-a", "Accept"])
        #expect(head.headerFields[values: HTTPField.Name("x-a")!] == ["1", "2"])
        #expect(head.request.authority == "h")
        #expect(head.request.path == "/")
    }
}
