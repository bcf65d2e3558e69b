import Glibc

/// Whole-text writes to stdout and stderr, unbuffered (scripts read the URL line the moment it is printed).
/// FoundationEssentials, which this executable limits itself to, has no `FileHandle`.
enum StandardStreams {
    static func output(_ text: String) { self.write(text, to: STDOUT_FILENO) }

    static func error(_ text: String) { self.write(text, to: STDERR_FILENO) }

    private static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            // A closed or broken stream: nowhere left to report anything.
            guard count > 0 else { return }
            written += count
        }
    }
}
