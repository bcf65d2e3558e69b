@testable import AtlasMockHTTP

/// Feeds the input to the HTTP/1.1 parser twice, whole and in small pieces, and checks both give the same
/// events: the parser must never crash, and how bytes are split across reads must not change what it sees.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = ParseTranscript(bytes, pieceSize: { _ in bytes.count })
    // Piece sizes 1...7, cycling, so boundaries fall everywhere within lines, CRLFs and chunk sizes.
    let pieces = ParseTranscript(bytes, pieceSize: { $0 % 7 + 1 })
    precondition(whole == pieces, "split input parsed differently:\n\(whole)\nvs\n\(pieces)")
    return 0
}

/// What the parser made of one input: heads, body bytes per message, and the error it stopped at.
struct ParseTranscript: Equatable, CustomStringConvertible {
    /// Small limits, so the fuzzer reaches every limit check with short inputs.
    static let limits = HTTP1Parser.Limits(
        maxRequestLineBytes: 64, maxHeaderBytes: 256, maxHeaderCount: 8, maxBodyBytes: 128)

    var heads: [HTTP1RequestHead] = []
    var bodies: [[UInt8]] = []
    var ends = 0
    var error: HTTP1ParseError?

    /// Parses `bytes` as a connection would: input arrives in pieces of `pieceSize(n)` bytes (for the n-th
    /// read), unconsumed bytes stay buffered for the next call.
    init(_ bytes: [UInt8], pieceSize: (Int) -> Int) {
        var parser = HTTP1Parser(limits: Self.limits)
        var buffered: [UInt8] = []
        var offset = 0
        var read = 0
        while offset < bytes.count {
            let count = min(max(1, pieceSize(read)), bytes.count - offset)
            buffered += bytes[offset..<offset + count]
            offset += count
            read += 1
            // Parse until the parser needs more input.
            while true {
                var body: [UInt8] = []
                // `withUnsafeBytes` rethrows untyped errors, so the typed one travels in a Result.
                let result = buffered.withUnsafeBytes { buffer in
                    Result { () throws(HTTP1ParseError) -> HTTP1Parser.Step in
                        let step = try parser.next(buffer)
                        precondition(step.consumed >= 0 && step.consumed <= buffer.count, "consumed out of range")
                        if case .body(let range) = step.event {
                            precondition(range.lowerBound >= 0 && range.upperBound <= step.consumed, "body range")
                            body = Array(buffer[range])
                        }
                        return step
                    }
                }
                let step: HTTP1Parser.Step
                switch result {
                case .success(let value): step = value
                case .failure(let error):
                    self.error = error
                    return
                }
                buffered.removeFirst(step.consumed)
                switch step.event {
                case .head(let head):
                    self.heads.append(head)
                    self.bodies.append([])
                case .body: self.appendBody(body)
                case .end: self.ends += 1
                case nil: break
                }
                if step.event == nil { break }
            }
        }
        precondition(self.ends <= self.heads.count, "an end without a head")
        precondition(self.heads.count <= self.ends + 1, "a head before the previous message ended")
    }

    private mutating func appendBody(_ bytes: [UInt8]) {
        precondition(!self.bodies.isEmpty, "body before any head")
        self.bodies[self.bodies.count - 1] += bytes
        precondition(self.bodies[self.bodies.count - 1].count <= Self.limits.maxBodyBytes, "body over the limit")
    }

    var description: String {
        "heads: \(self.heads.map { "\($0.method) \($0.target)" }), bodies: \(self.bodies.map(\.count)), "
            + "ends: \(self.ends), error: \(self.error.map { "\($0)" } ?? "none")"
    }
}
