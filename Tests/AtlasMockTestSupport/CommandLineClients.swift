import Foundation

// The command-line clients users reach the server with (curl, nghttp), run as child processes.

/// One HTTP exchange as a command-line client reported it: the final response (after a Digest retry or an h2c
/// upgrade) and the client's exit status.
package struct ClientResponse: CustomStringConvertible {
    package var exitCode: Int32
    /// `HTTP/1.1` or `HTTP/2`.
    package var version: String = ""
    package var status: Int = 0
    package var headers: [(name: String, value: String)] = []
    package var body: String = ""
    package var stderr: String = ""
    /// Versions and statuses of the final responses before this one (a 401 challenge); 1xx are left out.
    package var interim: [String] = []

    /// The first value of `name`, compared case-insensitively (HTTP/2 sends lower-case names).
    package func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    package var headerNames: Set<String> { Set(self.headers.map { $0.name.lowercased() }) }

    /// The body parsed as a JSON object.
    package func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(self.body.utf8)) as? [String: Any] else {
            throw TestSupportError("not a JSON object: \(self)")
        }
        return object
    }

    package var description: String {
        "exit \(self.exitCode) \(self.version) \(self.status) \(self.headers.map { "\($0.name): \($0.value)" }) "
            + "body \(self.body.debugDescription) stderr \(self.stderr.debugDescription)"
    }
}

/// The ways users reach the server with curl.
package enum HTTPProtocol: String, CaseIterable {
    case http1 = "HTTP/1.1"
    case http2 = "HTTP/2 prior knowledge"
    case h2c = "HTTP/2 by h2c upgrade"

    package var curlFlag: String {
        switch self {
        case .http1: return "--http1.1"
        case .http2: return "--http2-prior-knowledge"
        case .h2c: return "--http2"
        }
    }

    package var version: String { self == .http1 ? "HTTP/1.1" : "HTTP/2" }
}

package enum Client {
    /// Runs `/usr/bin/curl --silent --show-error --include <arguments>` and parses what it printed.
    package static func curl(_ arguments: [String], maxTime: Int = 20) async throws -> ClientResponse {
        let finished = try await ChildProcess.run(
            "/usr/bin/curl", ["--silent", "--show-error", "--include", "--max-time", String(maxTime)] + arguments)
        var response = ClientResponse(exitCode: finished.status, stderr: finished.stderr)
        var rest = Substring(finished.stdout)
        // Every response curl saw is printed as a head; the body that follows the last one is the answer.
        while rest.hasPrefix("HTTP/"), let end = rest.range(of: "\r\n\r\n") {
            let lines = rest[..<end.lowerBound].components(separatedBy: "\r\n")
            if !response.version.isEmpty && !(100..<200).contains(response.status) {
                response.interim.append("\(response.version) \(response.status)")
            }
            let statusLine = lines[0].split(separator: " ", maxSplits: 2)
            response.version = String(statusLine[0])
            response.status = Int(statusLine[1]) ?? -1
            response.headers = lines.dropFirst().map { line in
                let colon = line.firstIndex(of: ":")!
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            rest = rest[end.upperBound...]
        }
        response.body = String(rest)
        return response
    }

    /// A curl call with `protocolChoice`, `-X method`, extra `arguments` and the URL last.
    ///
    /// curl 7.88 cannot reuse a prior-knowledge HTTP/2 connection (its second request fails with "Error in the
    /// HTTP2 framing layer", against nghttpd too), so `--digest` cannot answer the challenge there. For
    /// `.http2`, `--user U:P --digest` is therefore done as two curl runs: the challenge, then the request
    /// with the `Authorization` header the Atlas clients compute.
    package static func curl(
        _ protocolChoice: HTTPProtocol, _ method: String = "GET", _ url: String, _ arguments: [String] = []
    ) async throws -> ClientResponse {
        guard protocolChoice == .http2, let digest = arguments.firstIndex(of: "--digest"),
            let user = arguments.firstIndex(of: "--user")
        else {
            return try await self.curl([protocolChoice.curlFlag, "-X", method] + arguments + [url])
        }
        let credentials = arguments[user + 1].split(separator: ":", maxSplits: 1).map(String.init)
        let others = arguments.enumerated().filter { ![digest, user, user + 1].contains($0.offset) }.map(\.element)
        let challenge = try await self.curl([protocolChoice.curlFlag, "-X", method] + others + [url])
        guard challenge.status == 401, let header = challenge.header("WWW-Authenticate"),
            let nonce = DigestClient.nonce(in: header)
        else { return challenge }
        guard let components = URLComponents(string: url) else { throw TestSupportError("not a URL: \(url)") }
        let uri = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let authorization = DigestClient.authorization(
            method: method, uri: uri, user: credentials[0], password: credentials[1], nonce: nonce)
        var answered = try await self.curl(
            [protocolChoice.curlFlag, "-X", method, "--header", "Authorization: " + authorization] + others + [url])
        answered.interim.insert("\(challenge.version) \(challenge.status)", at: 0)
        return answered
    }

    /// Runs `nghttp -v` (HTTP/2 prior knowledge) and reads the status, headers and body from its trace.
    package static func nghttp(_ url: String, headers: [String] = []) async throws -> ClientResponse {
        let finished = try await ChildProcess.run(
            "/usr/bin/nghttp", ["-v", "--timeout=20"] + headers.flatMap { ["-H", $0] } + [url])
        var response = ClientResponse(exitCode: finished.status, version: "HTTP/2", stderr: finished.stderr)
        let trace = finished.stdout
        for line in trace.split(separator: "\n") {
            guard let match = line.firstMatch(of: #/\] recv \(stream_id=\d+\) ([^:\s][^:]*|:status): (.*)$/#) else {
                continue
            }
            if match.1 == ":status" {
                response.status = Int(match.2) ?? -1
            } else {
                response.headers.append((String(match.1), String(match.2)))
            }
        }
        // nghttp writes each DATA frame's payload, then the line logging that frame.
        let frameLog = #/\[\s*[0-9.]+\] (recv|send) [A-Z_]+ frame <[^>]*>\n(\s+[;(].*\n)*/#
        if let start = trace.firstRange(of: "; First response header\n"),
            let last = trace.ranges(of: #/\[\s*[0-9.]+\] recv DATA frame/#).last
        {
            let payload = trace[start.upperBound..<last.lowerBound]
            response.body = String(payload.replacing(frameLog, with: ""))
        }
        return response
    }

    /// `curl --user <credentials> --data grant_type=client_credentials $URL/api/oauth/token`: the token endpoint's
    /// answer, for the default service account unless other `credentials` (`id:secret`) are given.
    package static func tokenResponse(
        _ url: String, credentials: String = "\(Atlas.serviceAccount.user):\(Atlas.serviceAccount.password)",
        protocolChoice: HTTPProtocol = .http1
    ) async throws -> ClientResponse {
        try await self.curl([
            protocolChoice.curlFlag, "--user", credentials, "--data", "grant_type=client_credentials",
            url + "/api/oauth/token",
        ])
    }

    /// The default service account's access token (see `tokenResponse`).
    package static func serviceAccountToken(_ url: String, protocolChoice: HTTPProtocol = .http1) async throws -> String
    {
        let response = try await self.tokenResponse(url, protocolChoice: protocolChoice)
        guard response.status == 200, let token = try response.json()["access_token"] as? String else {
            throw TestSupportError("no access token: \(response)")
        }
        return token
    }
}
