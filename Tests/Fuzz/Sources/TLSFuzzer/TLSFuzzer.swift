@testable import AtlasMockHTTP

/// One identity for every input: generating a CA and a certificate per input would be all the fuzzer measured.
let identity = try! TLSIdentity.selfSigned()

/// Feeds the input to our TLS glue the two ways a peer's bytes reach it: as an ALPN list to
/// `ApplicationProtocol.select`, and (after its first byte, which sets the piece size) as ciphertext to a fresh
/// server `TLSSession`, piece by piece as the socket might deliver it, taking out whatever the session answers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    if let choice = ApplicationProtocol.select(from: input) {
        precondition(input[choice.name].elementsEqual(choice.chosen.alpnName.utf8), "ALPN choice points elsewhere")
    }
    guard let session = TLSSession(identity: identity) else { preconditionFailure("no TLS session") }
    let piece = Int(input[0]) * 64 + 1
    withUnsafeTemporaryAllocation(byteCount: 64 * 1024, alignment: 16) { buffer in
        var offset = 1
        while offset < size {
            let count = min(piece, size - offset, buffer.count)
            buffer.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[offset..<(offset + count)])))
            let result = session.receive(buffer, count: count) { plaintext in
                precondition(plaintext.count <= buffer.count, "plaintext outgrew the buffer")
                return true
            }
            _ = session.takeOutput()
            if case .failed = result { return }
            offset += count
        }
    }
    return 0
}
