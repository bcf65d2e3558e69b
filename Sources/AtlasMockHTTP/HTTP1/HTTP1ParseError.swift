import HTTPTypes

/// Every reason the HTTP/1.1 parser rejects a request, each mapped to the status that says so.
/// All of them end the connection: after a framing error the next request's start cannot be found.
enum HTTP1ParseError: Error, Equatable, Sendable {
    case requestLineTooLong
    case headerSectionTooLarge
    case tooManyHeaderFields
    case bodyTooLarge
    case malformedRequestLine
    case invalidMethod
    case invalidRequestTarget
    case unsupportedVersion
    /// A line ended by LF alone (see `HTTP1Parser` for the policy).
    case bareLineFeed
    case obsoleteLineFolding
    case invalidHeaderName
    /// NUL, a bare CR or another control character in a field value.
    case invalidHeaderValue
    case missingHost
    case duplicateHost
    /// Not a decimal number, out of range, or several different values.
    case invalidContentLength
    case contentLengthWithTransferEncoding
    /// Empty, `chunked` twice, or Transfer-Encoding on HTTP/1.0.
    case invalidTransferEncoding
    /// A coding other than `chunked`: we cannot decode it.
    case unsupportedTransferCoding
    case invalidChunkSize
    /// Bad bytes in a chunk extension, or chunk data not followed by CRLF.
    case invalidChunkFraming

    var status: HTTPResponse.Status {
        switch self {
        case .requestLineTooLong: .uriTooLong
        case .headerSectionTooLarge, .tooManyHeaderFields: .requestHeaderFieldsTooLarge
        case .bodyTooLarge: .contentTooLarge
        case .unsupportedVersion: .httpVersionNotSupported
        case .unsupportedTransferCoding: .notImplemented
        case .malformedRequestLine, .invalidMethod, .invalidRequestTarget, .bareLineFeed, .obsoleteLineFolding,
            .invalidHeaderName, .invalidHeaderValue, .missingHost, .duplicateHost, .invalidContentLength,
            .contentLengthWithTransferEncoding, .invalidTransferEncoding, .invalidChunkSize, .invalidChunkFraming:
            .badRequest
        }
    }

    /// The plain-text body of the error response: names the problem, never echoes input.
    var message: String {
        switch self {
        case .requestLineTooLong: "request line too long"
        case .headerSectionTooLarge: "header section too large"
        case .tooManyHeaderFields: "too many header fields"
        case .bodyTooLarge: "request body too large"
        case .malformedRequestLine: "malformed request line"
        case .invalidMethod: "invalid method"
        case .invalidRequestTarget: "invalid request target"
        case .unsupportedVersion: "HTTP version not supported"
        case .bareLineFeed: "line not terminated by CRLF"
        case .obsoleteLineFolding: "obsolete line folding is not allowed"
        case .invalidHeaderName: "invalid header field name"
        case .invalidHeaderValue: "invalid header field value"
        case .missingHost: "missing Host header"
        case .duplicateHost: "more than one Host header"
        case .invalidContentLength: "invalid Content-Length"
        case .contentLengthWithTransferEncoding: "both Content-Length and Transfer-Encoding"
        case .invalidTransferEncoding: "invalid Transfer-Encoding"
        case .unsupportedTransferCoding: "unsupported transfer coding"
        case .invalidChunkSize: "invalid chunk size"
        case .invalidChunkFraming: "invalid chunked framing"
        }
    }
}
