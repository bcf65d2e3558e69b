/// A TLS identity could not be built: an unreadable or empty file, a key that does not match, an expired
/// certificate, a bad host name. The message names the file or value, for the one-line start-up error.
public struct TLSSetupError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
