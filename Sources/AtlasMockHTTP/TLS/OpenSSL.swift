private import COpenSSL
import Glibc

// The only place in the project that talks to OpenSSL; no OpenSSL type leaves this file. Three users:
// `TLSIdentity` (the server's certificate, key and protocol policy: one `SSL_CTX`), `TLSSession` (one
// connection's TLS state over memory buffers, so `Connection` keeps doing every syscall) and `TLSProbeStream`
// (the blocking client `atlas-mock health` uses against an https URL).
//
// OpenSSL's error queue is per thread and the loops' threads serve many connections: every call whose failure is
// read with `SSL_get_error` starts from an empty queue (`ERR_clear_error`), and every failure empties it again
// (`lastErrorDescription`), so one connection's error never shows up as another's.

/// The certificate, private key and TLS policy a TLS listener serves with: TLS 1.2 and 1.3 only, TLS 1.2 limited
/// to ECDHE with AES-GCM or ChaCha20-Poly1305 (forward secrecy, and none of the suites RFC 9113 §9.2.2 bans), no
/// renegotiation, no compression, ALPN `h2` then `http/1.1`.
///
/// Built from PEM files (`load`) or generated in-process (`selfSigned`); either way every check happens here, at
/// start-up, so a bad file is one clear error before anything binds.
///
/// Ownership: the identity owns one reference to its `SSL_CTX`, released in `deinit`. Each `SSL` made from it takes
/// a reference of its own (`SSL_new`), so sessions stay valid even if the identity goes first.
/// `@unchecked Sendable` invariant: the context is configured in `init` and never changed afterwards; OpenSSL
/// allows `SSL_new` on a configured context from any thread.
public final class TLSIdentity: @unchecked Sendable {
    /// PEM of the certificate authority a client should trust: the generated CA of a `selfSigned` identity
    /// (`curl --cacert`, `SSL_CERT_FILE`), nil for an identity loaded from files (the user has their own CA).
    public let certificateAuthorityPEM: String?
    fileprivate let context: OpaquePointer

    private init(context: OpaquePointer, certificateAuthorityPEM: String?) {
        self.context = context
        self.certificateAuthorityPEM = certificateAuthorityPEM
    }

    deinit {
        SSL_CTX_free(self.context)
    }

    /// Loads a certificate chain (the server's certificate first, then intermediates) and its private key, both PEM;
    /// one file holding both works for either argument. Throws a `TLSSetupError` naming the file when a file
    /// cannot be read or holds no certificate (or no unencrypted key), the key does not match the certificate, or
    /// the certificate is expired or not yet valid.
    public static func load(certificateChainFile: String, privateKeyFile: String) throws(TLSSetupError) -> TLSIdentity {
        let chainPEM = try Self.readFile(certificateChainFile, what: "certificate file")
        let keyPEM = try Self.readFile(privateKeyFile, what: "key file")
        let chain = Self.certificates(inPEM: chainPEM)
        defer { chain.forEach { X509_free($0) } }
        guard let leaf = chain.first else {
            throw TLSSetupError("certificate file \(certificateChainFile): no PEM certificate in it")
        }
        guard let key = Self.privateKey(inPEM: keyPEM) else {
            throw TLSSetupError(
                "key file \(privateKeyFile): no unencrypted PEM private key in it (\(lastErrorDescription()))")
        }
        defer { EVP_PKEY_free(key) }
        guard X509_check_private_key(leaf, key) == 1 else {
            _ = lastErrorDescription()
            throw TLSSetupError("key file \(privateKeyFile) does not match the certificate in \(certificateChainFile)")
        }
        if X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0 {
            throw TLSSetupError(
                "certificate file \(certificateChainFile): the certificate expired on \(Self.format(X509_get0_notAfter(leaf)))")
        }
        if X509_cmp_current_time(X509_get0_notBefore(leaf)) > 0 {
            throw TLSSetupError(
                "certificate file \(certificateChainFile): the certificate is not valid before \(Self.format(X509_get0_notBefore(leaf)))")
        }
        let context = try Self.makeServerContext()
        // `use_certificate` and `use_PrivateKey` take references of their own; `add0_chain_cert` takes ours, hence
        // the up-ref for each intermediate (the `defer` above releases every certificate once).
        var installed = SSL_CTX_use_certificate(context, leaf) == 1 && SSL_CTX_use_PrivateKey(context, key) == 1
        for intermediate in chain.dropFirst() where installed {
            X509_up_ref(intermediate)
            installed = atlas_mock_SSL_CTX_add0_chain_cert(context, intermediate) == 1
            if !installed { X509_free(intermediate) }
        }
        guard installed else {
            SSL_CTX_free(context)
            throw TLSSetupError("certificate file \(certificateChainFile): \(lastErrorDescription())")
        }
        return TLSIdentity(context: context, certificateAuthorityPEM: nil)
    }

    /// A fresh certificate authority and a server certificate it signs, both ECDSA P-256, valid from an hour ago
    /// for 825 days, for `localhost`, `127.0.0.1`, `::1` and each of `hostnames` (DNS names or IP literals).
    /// Nothing touches the disk; `certificateAuthorityPEM` is the CA for clients to trust. The CA signs rather
    /// than the certificate signing itself because strict verifiers (Python 3.13's default, Go's) reject a server
    /// certificate that is also a CA.
    public static func selfSigned(hostnames: [String] = []) throws(TLSSetupError) -> TLSIdentity {
        var names = ["localhost", "127.0.0.1", "::1"]
        for name in hostnames where !names.contains(name) {
            guard Self.isIPAddress(name) || Self.isDNSName(name) else {
                throw TLSSetupError("'\(name)' is neither a DNS name nor an IP address")
            }
            names.append(name)
        }
        let alternativeNames = names.map { (Self.isIPAddress($0) ? "IP:" : "DNS:") + $0 }.joined(separator: ",")
        guard let caKey = Self.generateKey(), let leafKey = Self.generateKey() else {
            throw TLSSetupError("cannot generate a key: \(lastErrorDescription())")
        }
        defer {
            EVP_PKEY_free(caKey)
            EVP_PKEY_free(leafKey)
        }
        guard
            let ca = Self.makeCertificate(
                commonName: "atlas-mock local CA", key: caKey, issuer: nil, issuerKey: caKey,
                extensions: [
                    (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                    (NID_key_usage, "critical,keyCertSign,cRLSign"),
                    (NID_subject_key_identifier, "hash"),
                ])
        else { throw TLSSetupError("cannot make the CA certificate: \(lastErrorDescription())") }
        defer { X509_free(ca) }
        guard
            let leaf = Self.makeCertificate(
                commonName: "localhost", key: leafKey, issuer: ca, issuerKey: caKey,
                extensions: [
                    (NID_basic_constraints, "critical,CA:FALSE"),
                    (NID_key_usage, "critical,digitalSignature"),
                    (NID_ext_key_usage, "serverAuth"),
                    (NID_subject_key_identifier, "hash"),
                    (NID_authority_key_identifier, "keyid:always"),
                    (NID_subject_alt_name, alternativeNames),
                ])
        else { throw TLSSetupError("cannot make the server certificate: \(lastErrorDescription())") }
        defer { X509_free(leaf) }
        guard let caPEM = Self.pem(of: ca) else {
            throw TLSSetupError("cannot encode the CA certificate: \(lastErrorDescription())")
        }
        let context = try Self.makeServerContext()
        guard SSL_CTX_use_certificate(context, leaf) == 1, SSL_CTX_use_PrivateKey(context, leafKey) == 1 else {
            SSL_CTX_free(context)
            throw TLSSetupError("cannot install the generated certificate: \(lastErrorDescription())")
        }
        return TLSIdentity(context: context, certificateAuthorityPEM: caPEM)
    }

    // MARK: The policy

    private static let tls12Ciphers =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

    private static func makeServerContext() throws(TLSSetupError) -> OpaquePointer {
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw TLSSetupError("cannot create a TLS context: \(lastErrorDescription())")
        }
        _ = SSL_CTX_set_options(
            context,
            atlas_mock_SSL_OP_NO_RENEGOTIATION | atlas_mock_SSL_OP_CIPHER_SERVER_PREFERENCE
                | atlas_mock_SSL_OP_NO_COMPRESSION)
        // Idle connections give their read and write buffers back: a thousand quiet keep-alive clients should not
        // pin 34 KiB each.
        _ = atlas_mock_SSL_CTX_set_mode(context, Int(SSL_MODE_RELEASE_BUFFERS))
        guard atlas_mock_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1,
            SSL_CTX_set_cipher_list(context, Self.tls12Ciphers) == 1
        else {
            SSL_CTX_free(context)
            throw TLSSetupError("cannot set the TLS policy: \(lastErrorDescription())")
        }
        SSL_CTX_set_alpn_select_cb(context, selectApplicationProtocol, nil)
        return context
    }

    // MARK: Files

    /// The whole file, read before OpenSSL sees it so an unreadable file is reported with its own `errno`.
    private static func readFile(_ path: String, what: String) throws(TLSSetupError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw TLSSetupError("\(what) \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw TLSSetupError("\(what) \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    /// Every certificate in `pem`, in order (the caller frees them). Blocks of other kinds are skipped.
    private static func certificates(inPEM pem: [UInt8]) -> [OpaquePointer] {
        pem.withUnsafeBytes { bytes in
            // A read-only memory BIO over `bytes`, valid only inside this closure.
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return [] }
            defer { BIO_free(bio) }
            var found: [OpaquePointer] = []
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
                found.append(certificate)
            }
            // The loop ends with "no start line" at the end of the input, which is not an error.
            ERR_clear_error()
            return found
        }
    }

    /// The first private key in `pem` (the caller frees it). An encrypted key is refused: the password callback
    /// declines, where OpenSSL's default would prompt on the terminal and block start-up.
    private static func privateKey(inPEM pem: [UInt8]) -> OpaquePointer? {
        pem.withUnsafeBytes { bytes in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
    }

    /// `2026-01-22 00:00:00 UTC`.
    private static func format(_ time: UnsafePointer<ASN1_TIME>?) -> String {
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return "an unreadable date" }
        let pad = { (value: Int32) in value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday)) "
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)) UTC"
    }

    // MARK: Generation

    private static func generateKey() -> OpaquePointer? {
        guard let keyContext = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { return nil }
        defer { EVP_PKEY_CTX_free(keyContext) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(keyContext) == 1, EVP_PKEY_CTX_set_group_name(keyContext, "P-256") == 1,
            EVP_PKEY_generate(keyContext, &key) == 1
        else { return nil }
        return key
    }

    /// A signed X.509 v3 certificate (the caller frees it). `issuer` nil makes it self-signed.
    private static func makeCertificate(
        commonName: String, key: OpaquePointer, issuer: OpaquePointer?, issuerKey: OpaquePointer,
        extensions: [(Int32, String)]
    ) -> OpaquePointer? {
        guard let certificate = X509_new() else { return nil }
        var serial: UInt64 = 0
        let built = withUnsafeMutableBytes(of: &serial) { RAND_bytes($0.baseAddress, Int32($0.count)) } == 1
            && X509_set_version(certificate, Int(X509_VERSION_3)) == 1
            // Positive and non-zero, as RFC 5280 §4.1.2.2 requires.
            && ASN1_INTEGER_set_uint64(X509_get_serialNumber(certificate), (serial >> 1) | 1) == 1
            && X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nil
            && X509_gmtime_adj(X509_getm_notAfter(certificate), 825 * 86400) != nil
            && X509_NAME_add_entry_by_txt(
                X509_get_subject_name(certificate), "CN", MBSTRING_ASC, commonName, -1, -1, 0) == 1
            && X509_set_issuer_name(certificate, X509_get_subject_name(issuer ?? certificate)) == 1
            && X509_set_pubkey(certificate, key) == 1
            && Self.add(extensions, to: certificate, issuer: issuer ?? certificate)
            && X509_sign(certificate, issuerKey, EVP_sha256()) > 0
        guard built else {
            X509_free(certificate)
            return nil
        }
        return certificate
    }

    private static func add(_ extensions: [(Int32, String)], to certificate: OpaquePointer, issuer: OpaquePointer)
        -> Bool
    {
        // The context only borrows both certificates, for the key identifiers.
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer, certificate, nil, nil, 0)
        for (nid, value) in extensions {
            guard let created = X509V3_EXT_conf_nid(nil, &context, nid, value) else { return false }
            // `X509_add_ext` copies the extension.
            defer { X509_EXTENSION_free(created) }
            guard X509_add_ext(certificate, created, -1) == 1 else { return false }
        }
        return true
    }

    private static func pem(of certificate: OpaquePointer) -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard PEM_write_bio_X509(bio, certificate) == 1 else { return nil }
        return String(decoding: drain(bio), as: UTF8.self)
    }

    private static func isIPAddress(_ text: String) -> Bool {
        var storage = in6_addr()
        return inet_pton(AF_INET, text, &storage) == 1 || inet_pton(AF_INET6, text, &storage) == 1
    }

    /// Letters, digits, `-` and `.` (and a leading `*.` wildcard): nothing that could break out of the
    /// `subjectAltName` list the name is written into.
    private static func isDNSName(_ text: String) -> Bool {
        let name = text.hasPrefix("*.") ? text.dropFirst(2) : Substring(text)
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { byte in
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                }
        }
    }
}

/// ALPN (RFC 7301), chosen by `ApplicationProtocol.select`; a client offering neither `h2` nor `http/1.1` is refused
/// with `no_application_protocol`, as §3.2 requires. Not offering ALPN at all skips this and means HTTP/1.1.
/// `selected` points into the client's own list, which OpenSSL keeps until it has copied the choice.
private func selectApplicationProtocol(
    _ ssl: OpaquePointer?, _ selected: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ selectedLength: UnsafeMutablePointer<UInt8>?, _ offered: UnsafePointer<UInt8>?, _ offeredLength: UInt32,
    _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let offered, let selected, let selectedLength,
        let choice = ApplicationProtocol.select(from: UnsafeBufferPointer(start: offered, count: Int(offeredLength)))
    else { return SSL_TLSEXT_ERR_ALERT_FATAL }
    selected.pointee = offered + choice.name.lowerBound
    selectedLength.pointee = UInt8(choice.name.count)
    return SSL_TLSEXT_ERR_OK
}

/// One connection's TLS, with the network side in memory: ciphertext read from the socket goes in with `receive`,
/// what TLS wants sent (handshake messages, records, alerts) comes out of `takeOutput`, and the connection does the
/// syscalls, so TLS connections keep the cleartext ones' turns, backpressure and timeouts. `SSL_ERROR_WANT_READ`
/// is "wait for the next readable event", the same as `EAGAIN`.
///
/// Ownership: the session owns its `SSL` (freed in `deinit`); the `SSL` owns both memory BIOs (`SSL_set_bio`) and a
/// reference to the identity's `SSL_CTX`. Confined to the connection's queue, like the connection.
final class TLSSession {
    private let ssl: OpaquePointer
    /// Ciphertext from the peer, waiting to be decrypted; owned by `ssl`.
    private let incoming: OpaquePointer
    /// Ciphertext for the peer, waiting for `takeOutput`; owned by `ssl`.
    private let outgoing: OpaquePointer
    private(set) var isEstablished = false
    /// After a fatal error OpenSSL forbids further use, `SSL_shutdown` included.
    private var failed = false
    private var shutdownSent = false

    init?(identity: TLSIdentity) {
        guard let ssl = SSL_new(identity.context) else {
            _ = lastErrorDescription()
            return nil
        }
        guard let incoming = BIO_new(BIO_s_mem()), let outgoing = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            _ = lastErrorDescription()
            return nil
        }
        // An empty memory BIO reports "retry" (the default), which OpenSSL turns into SSL_ERROR_WANT_READ.
        SSL_set_bio(ssl, incoming, outgoing)
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.incoming = incoming
        self.outgoing = outgoing
    }

    deinit {
        SSL_free(self.ssl)
    }

    /// The protocol ALPN chose; HTTP/1.1 when the client offered none. Meaningful once `isEstablished`.
    var applicationProtocol: ApplicationProtocol {
        var name: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(self.ssl, &name, &length)
        guard let name else { return .http1 }
        let selected = UnsafeBufferPointer(start: name, count: Int(length))
        return selected.elementsEqual(ApplicationProtocol.http2.alpnName.utf8) ? .http2 : .http1
    }

    /// Takes the first `count` bytes of `buffer` as ciphertext, then advances the handshake and decrypts all the
    /// application data available, reusing `buffer` for the plaintext. `deliver` gets all of it at once (in more
    /// than one piece only when it outgrows `buffer`), as a cleartext connection hands over a whole turn's input:
    /// an engine given one record at a time would answer each before seeing the next. `deliver` returns false to
    /// stop (the connection closed meanwhile). What the peer must be sent meanwhile waits in `takeOutput`.
    func receive(
        _ buffer: UnsafeMutableRawBufferPointer, count: Int, deliver: (UnsafeRawBufferPointer) -> Bool
    ) -> TLSInput {
        guard !self.failed else { return .failed(.protocolError("the session already failed")) }
        // The memory BIO copies, so `buffer` is free again once this returns.
        if count > 0, BIO_write(self.incoming, buffer.baseAddress, Int32(count)) != Int32(count) {
            return self.fail(.protocolError(lastErrorDescription()))
        }
        var filled = 0
        // Hands over the plaintext so far; false when the connection is gone.
        func flush() -> Bool {
            defer { filled = 0 }
            return filled == 0 || deliver(UnsafeRawBufferPointer(rebasing: buffer[..<filled]))
        }
        while true {
            ERR_clear_error()
            if !self.isEstablished {
                let result = SSL_do_handshake(self.ssl)
                if result == 1 {
                    self.isEstablished = true
                    continue
                }
                switch SSL_get_error(self.ssl, result) {
                case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .needMore
                default: return self.fail(Self.classifyFailure())
                }
            }
            if filled == buffer.count, !flush() { return .needMore }
            let result = SSL_read(self.ssl, buffer.baseAddress! + filled, Int32(buffer.count - filled))
            if result > 0 {
                filled += Int(result)
                continue
            }
            let input: TLSInput
            switch SSL_get_error(self.ssl, result) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: input = .needMore
            case SSL_ERROR_ZERO_RETURN: input = .closeNotify
            default: input = self.fail(Self.classifyFailure())
            }
            // Whatever was decrypted before the end or a bad record is the peer's last input, and is answered.
            guard flush() else { return .needMore }
            return input
        }
    }

    /// Encrypts `plaintext` into records waiting in `takeOutput`. Only once established (engines exist only then).
    /// False when the session cannot send any more.
    func send(_ plaintext: [UInt8]) -> Bool {
        guard !self.failed, !self.shutdownSent else { return false }
        ERR_clear_error()
        // The memory BIO grows as needed, so a write never stops half way.
        let written = plaintext.withUnsafeBytes { SSL_write(self.ssl, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(plaintext.count) else {
            _ = self.fail(Self.classifyFailure())
            return false
        }
        return true
    }

    /// Queues `close_notify` (once, and only on an established, healthy session: it ends our sending side and
    /// tells the peer the last response was complete, not truncated).
    func sendCloseNotify() {
        guard self.isEstablished, !self.failed, !self.shutdownSent else { return }
        self.shutdownSent = true
        ERR_clear_error()
        // 0 means "sent, peer's not yet received", the expected answer; neither case needs more from us.
        if SSL_shutdown(self.ssl) < 0 { _ = lastErrorDescription() }
    }

    /// Ciphertext waiting for the peer, or nil when there is none.
    func takeOutput() -> [UInt8]? {
        BIO_ctrl_pending(self.outgoing) > 0 ? drain(self.outgoing) : nil
    }

    private func fail(_ failure: TLSFailure) -> TLSInput {
        self.failed = true
        return .failed(failure)
    }

    /// Reads (and clears) the thread's error queue after a failed handshake or read.
    private static func classifyFailure() -> TLSFailure {
        let code = ERR_peek_error()
        if ERR_GET_LIB(code) == ERR_LIB_SSL && ERR_GET_REASON(code) == SSL_R_HTTP_REQUEST {
            ERR_clear_error()
            return .plaintextHTTP
        }
        return .protocolError(lastErrorDescription())
    }
}

/// A blocking TLS client on a connected socket, for `HTTPProbe`: a health check asks whether the server answers,
/// not whom to trust, so the certificate is not verified (like `curl --insecure`). The socket's own receive and
/// send timeouts bound every call.
///
/// Ownership: the stream owns its `SSL` and `SSL_CTX` (freed in `deinit`); the socket stays the caller's.
final class TLSProbeStream {
    private let context: OpaquePointer
    private let ssl: OpaquePointer

    /// Handshakes over `fd`, sending `serverName` as SNI unless it is an IP address.
    init(fd: Int32, serverName: String) throws(TLSSetupError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw TLSSetupError("cannot create a TLS context: \(lastErrorDescription())")
        }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw TLSSetupError("cannot create a TLS session: \(lastErrorDescription())")
        }
        self.context = context
        self.ssl = ssl
        var address = in6_addr()
        let isAddress = inet_pton(AF_INET, serverName, &address) == 1 || inet_pton(AF_INET6, serverName, &address) == 1
        ERR_clear_error()
        guard SSL_set_fd(ssl, fd) == 1, isAddress || atlas_mock_SSL_set_tlsext_host_name(ssl, serverName) == 1,
            SSL_connect(ssl) == 1
        else {
            throw TLSSetupError("TLS handshake failed: \(lastErrorDescription())")
        }
    }

    deinit {
        SSL_free(self.ssl)
        SSL_CTX_free(self.context)
    }

    func write(_ bytes: [UInt8]) throws(TLSSetupError) {
        ERR_clear_error()
        let written = bytes.withUnsafeBytes { SSL_write(self.ssl, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(bytes.count) else { throw TLSSetupError("TLS write failed: \(lastErrorDescription())") }
    }

    /// Up to `buffer.count` bytes of plaintext; 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TLSSetupError) -> Int {
        ERR_clear_error()
        let count = SSL_read(self.ssl, buffer.baseAddress, Int32(buffer.count))
        if count > 0 { return Int(count) }
        if SSL_get_error(self.ssl, count) == SSL_ERROR_ZERO_RETURN { return 0 }
        throw TLSSetupError("TLS read failed: \(lastErrorDescription())")
    }
}

/// Everything in a memory BIO, read out (and so removed from it).
private func drain(_ bio: OpaquePointer) -> [UInt8] {
    let count = Int(BIO_ctrl_pending(bio))
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        initialized = Int(max(0, BIO_read(bio, buffer.baseAddress, Int32(count))))
    }
}

/// The thread's OpenSSL errors as one line (`error:0A00010B:SSL routines::wrong version number`), emptying the
/// queue; a failure that left no error (a socket timeout, say) is reported by `errno`.
private func lastErrorDescription() -> String {
    var messages: [String] = []
    while case let code = ERR_get_error(), code != 0 {
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        messages.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return messages.isEmpty ? String(cString: strerror(errno)) : messages.joined(separator: "; ")
}
