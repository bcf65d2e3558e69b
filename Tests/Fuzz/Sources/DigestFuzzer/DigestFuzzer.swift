@testable import AtlasMock

/// Parses the input as the value of `Authorization: Digest …`. A parse that succeeds must survive a
/// round trip: the parameters, written back as quoted strings, parse to the same credentials.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    // Header values reach the parser as Strings (HTTPTypes decodes them), so invalid UTF-8 is repaired first.
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let credentials = DigestCredentials(headerValue: text[...]) else { return 0 }
    var parts = [
        ("username", credentials.username), ("realm", credentials.realm), ("nonce", credentials.nonce),
        ("uri", credentials.uri), ("response", credentials.response),
    ]
    for (name, value) in [
        ("algorithm", credentials.algorithm), ("qop", credentials.qop), ("nc", credentials.nc),
        ("cnonce", credentials.cnonce),
    ] {
        if let value { parts.append((name, value)) }
    }
    let written = parts.map { name, value in
        let escaped = value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
        return "\(name)=\"\(escaped)\""
    }.joined(separator: ", ")
    precondition(DigestCredentials(headerValue: written[...]) == credentials, "round trip changed \(written)")
    return 0
}
