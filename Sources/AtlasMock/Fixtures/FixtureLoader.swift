/// Loads fixtures: reads and decodes every source, validates them together (and against data already loaded),
/// and returns everything or nothing. All problems are reported at once, each naming its source and JSON path.
///
/// The format is documented in `fixtures/FORMAT.md`.
public enum FixtureLoader {
    /// Loads files and directories in order; a directory contributes its `*.json` files in name order. Later
    /// sources add to earlier ones, and references may point into any of them. A file may also be a saved Atlas
    /// response (`SavedResponse`), or a recorded HTTP response holding one.
    public static func load(paths: [String]) throws(FixtureErrors) -> Fixtures {
        var sources = try FixtureFiles.read(paths, listing: .jsonFiles)
        return try Self.load(decoding: &sources, onto: Fixtures())
    }

    /// Loads one JSON document (e.g. an admin request body) on top of `base`, which is not re-validated;
    /// `source` names it in errors. Returns `base` plus the document's records.
    public static func load(json: [UInt8], source: String, onto base: Fixtures = Fixtures()) throws(FixtureErrors)
        -> Fixtures
    {
        try Self.load(sources: [(source, json)], onto: base)
    }

    /// Loads several named JSON documents as one set, on top of `base`.
    public static func load(sources: [(source: String, json: [UInt8])], onto base: Fixtures = Fixtures())
        throws(FixtureErrors) -> Fixtures
    {
        var sources = sources
        return try Self.load(decoding: &sources, onto: base)
    }

    /// Decodes each source and drops its bytes straight after (its records own their strings), so a large file
    /// is not held while the next is read or while everything is validated.
    private static func load(decoding sources: inout [(source: String, json: [UInt8])], onto base: Fixtures)
        throws(FixtureErrors) -> Fixtures
    {
        var errors: [FixtureError] = []
        var documents: [FixtureDocument] = []
        for index in sources.indices {
            let source = sources[index].source
            var requestPath: String?
            // A raw HTTP response (`curl -i`, the Atlas CLI's recorder): its body, and the path its file name gives.
            if HTTPRecording.looksLikeRecording(sources[index].json) {
                switch HTTPRecording.parse(sources[index].json, source: source).flatMap(Self.recordedBody) {
                case .success(let recording):
                    sources[index].json = recording.body
                    requestPath = recording.path
                case .failure(let error):
                    errors.append(FixtureError(source: source, path: "$", message: error.message))
                    sources[index].json = []
                    continue
                }
            }
            let (document, documentErrors) = Self.decodeCollecting(json: sources[index].json, source: source) {
                reader, diagnostics throws(JSONSyntaxError) in
                if requestPath != nil { return try SavedResponse.decode(&reader, requestPath: requestPath, &diagnostics) }
                // Located as a fixture document first: what the members are tells a saved response from one.
                let start = reader.index
                var asDocument = diagnostics
                guard let members = try FixtureDocument.schema.locate(&reader, at: "$", &asDocument) else {
                    diagnostics = asDocument
                    return nil
                }
                if SavedResponse.recognise(members, in: reader) {
                    reader.index = start
                    return try SavedResponse.decode(&reader, requestPath: nil, &diagnostics)
                }
                diagnostics = asDocument
                return try FixtureDocument.schema.read(members, &reader, at: "$", &diagnostics)
            }
            sources[index].json = []
            errors += documentErrors
            if let document { documents.append(document) }
        }
        // Cross-record checks run even after value errors, over the records that decoded, so one run reports
        // everything; a record dropped for a bad value can make references to it fail too.
        var validator = FixtureValidator()
        let merged = validator.merge(documents, onto: base)
        errors += validator.errors
        guard let merged, errors.isEmpty else { throw FixtureErrors(errors) }
        return merged
    }

    /// A recording holds fixture records only if it is a success; an error answer is refused by name
    /// (`atlas-mock import` skips such files with a note instead).
    private static func recordedBody(_ recording: HTTPRecording) -> Result<HTTPRecording, RecordingError> {
        guard (200..<300).contains(recording.status) else {
            return .failure(
                RecordingError(
                    source: recording.source,
                    message: "a recorded HTTP \(recording.status) answer holds no fixture records"))
        }
        return .success(recording)
    }

    private static func syntaxError(_ failure: JSONSyntaxError, source: String, bytes: UnsafeBufferPointer<UInt8>)
        -> FixtureError
    {
        var line = 1
        var lineStart = 0
        for index in 0..<min(failure.offset, bytes.count) where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let column = failure.offset - lineStart + 1
        return FixtureError(
            source: source, path: "$", message: "invalid JSON at line \(line), column \(column): \(failure.message)")
    }
}

extension FixtureLoader {
    /// Decodes a `POST /__admin/faults` body: one rule object, or an array of them. Errors use paths like
    /// `$[1].errorCode`.
    static func faultRules(json: [UInt8], source: String) throws(FixtureErrors) -> [FaultRule] {
        try Self.decode(json: json, source: source) { reader, diagnostics throws(JSONSyntaxError) in
            if try reader.kind() == .array {
                let codec = FieldCodec<LocatedRecords<FaultRule.Declaration>>.records(FaultRule.schema, type: "array")
                return try codec.decode(&reader, &diagnostics, "$")?.records.compactMap(\.rule) ?? []
            }
            return try FaultRule.schema.decode(&reader, at: "$", &diagnostics)?.rule.map { [$0] } ?? []
        }
    }

    /// Parses `json` with `body` reading from it; throws every error `body` reported.
    static func decode<Result>(
        json: [UInt8], source: String,
        _ body: (inout JSONReader, inout FixtureDiagnostics) throws(JSONSyntaxError) -> Result
    ) throws(FixtureErrors) -> Result {
        let (result, errors) = Self.decodeCollecting(json: json, source: source, body)
        guard let result, errors.isEmpty else { throw FixtureErrors(errors) }
        return result
    }

    /// Like `decode`, but returns what was decoded along with the errors. Invalid JSON is the only error then:
    /// value errors found before the syntax error are dropped, since what follows it cannot be read.
    static func decodeCollecting<Result>(
        json: [UInt8], source: String,
        _ body: (inout JSONReader, inout FixtureDiagnostics) throws(JSONSyntaxError) -> Result?
    ) -> (Result?, [FixtureError]) {
        json.withUnsafeBufferPointer { bytes in
            var diagnostics = FixtureDiagnostics(source: source)
            do throws(JSONSyntaxError) {
                var reader = try JSONReader(bytes)
                let result = try body(&reader, &diagnostics)
                try reader.end()
                return (result, diagnostics.errors)
            } catch {
                return (nil, [Self.syntaxError(error, source: source, bytes: bytes)])
            }
        }
    }
}
