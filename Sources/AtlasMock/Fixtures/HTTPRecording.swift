/// One recorded HTTP response, as `curl -i` saves it or the Atlas CLI's end-to-end recorder writes it: a status
/// line, header lines, a blank line, the body. The request is not in the file; the recorder names the file after
/// it (`GET__api_atlas_v2_groups_{id}_flexClusters_{name}_backup_snapshots_1.snaphost`), so `method` and `path`
/// come from the name when it has that form.
struct HTTPRecording {
    var source: String
    var method: String?
    var path: String?
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// Whether `bytes` start like a recorded response (`HTTP/1.1 200 OK`, `HTTP/2.0 200 OK`, `HTTP/2 200`).
    static func looksLikeRecording(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: Array("HTTP/".utf8))
    }

    /// Parses a recording; the error names what is wrong. Line ends may be CRLF (curl) or LF (the recorder). When
    /// the file holds several responses (`curl -i --digest` keeps the 401 challenge's headers, `100 Continue`),
    /// the last one is the answer.
    static func parse(_ bytes: [UInt8], source: String) -> Result<HTTPRecording, RecordingError> {
        var rest = bytes[...]
        while true {
            guard let (status, headers, body) = Self.response(&rest) else {
                return .failure(
                    RecordingError(source: source, message: "not an HTTP response (no status line and headers)"))
            }
            if Self.looksLikeRecording(Array(body.prefix(5))) { continue }
            let (method, path) = Self.request(fromFileName: source)
            return .success(
                HTTPRecording(
                    source: source, method: method, path: path, status: status, headers: headers, body: Array(body)))
        }
    }

    /// The value of header `name` (case-insensitive), if present.
    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Reads one status line and header block from `rest`, leaving `rest` at the body; returns the body too.
    private static func response(_ rest: inout ArraySlice<UInt8>) -> (
        Int, [(name: String, value: String)], ArraySlice<UInt8>
    )? {
        guard let statusLine = Self.line(&rest) else { return nil }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), parts[1].utf8.count == 3, let status = Int(parts[1]) else {
            return nil
        }
        var headers: [(name: String, value: String)] = []
        while true {
            guard let line = Self.line(&rest) else { return nil }
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.append(
                (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })))
        }
        return (status, headers, rest)
    }

    /// The next line without its CRLF or LF; nil at the end of the input or for a line that is not UTF-8.
    private static func line(_ rest: inout ArraySlice<UInt8>) -> Substring? {
        guard let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        var end = newline
        if end > rest.startIndex, rest[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = String(validating: rest[rest.startIndex..<end], as: UTF8.self)
        rest = rest[(newline + 1)...]
        return line.map { Substring($0) }
    }

    /// `GET__api_atlas_v2_groups_x_clusters_y_1.snaphost` → (`GET`, `/api/atlas/v2/groups/x/clusters/y`): the
    /// method, an underscore, the path with `/` written `_`, and a sequence number. Ids and cluster names hold
    /// no `_`, so the path comes back whole. Nil for names of another form.
    static func request(fromFileName source: String) -> (method: String?, path: String?) {
        var name = Substring(source.split(separator: "/").last ?? "")
        if let dot = name.lastIndex(of: ".") { name = name[..<dot] }
        guard let underscore = name.firstIndex(of: "_") else { return (nil, nil) }
        let method = name[..<underscore]
        guard ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].contains(method) else { return (nil, nil) }
        var segments = name[name.index(after: underscore)...].split(separator: "_")
        guard segments.count > 1, let last = segments.last, last.allSatisfy(\.isNumber) else { return (nil, nil) }
        segments.removeLast()
        guard segments.first == "api" else { return (nil, nil) }
        return (String(method), "/" + segments.joined(separator: "/"))
    }
}

/// A recording that could not be read at all.
struct RecordingError: Error, CustomStringConvertible {
    var source: String
    var message: String
    var description: String { "\(self.source): \(self.message)" }
}
