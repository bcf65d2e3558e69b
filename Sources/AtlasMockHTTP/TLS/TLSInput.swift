/// What feeding ciphertext to a `TLSSession` came to, once the application data in it was delivered.
enum TLSInput {
    /// Everything received is processed; more input is needed to go on (`SSL_ERROR_WANT_READ`).
    case needMore
    /// The peer sent `close_notify`: it sends nothing more.
    case closeNotify
    /// The session is unusable; the connection must close.
    case failed(TLSFailure)
}

/// Why a TLS session failed.
enum TLSFailure {
    /// The peer sent a plain HTTP request to the TLS port: it deserves a plain HTTP answer saying so.
    case plaintextHTTP
    /// A bad record, a failed handshake (no shared version, cipher or protocol), or an alert from the peer.
    case protocolError(String)
}
