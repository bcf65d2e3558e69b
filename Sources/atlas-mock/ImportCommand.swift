import ArgumentParser
import AtlasMock
import FoundationEssentials

/// `atlas-mock import`: recorded Atlas responses (`curl -i` output, the Atlas CLI's `.snaphost` files) in, one
/// fixture document out, checked by the same loader `--fixtures` uses.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn recorded Atlas HTTP responses into a fixture document.",
        discussion: """
            Reads raw HTTP responses (status line, headers, blank line, JSON body) from files or directories \
            (searched recursively). Restore jobs and snapshots become fixture records; the organization, \
            projects and clusters they refer to are created, typed from the request paths (taken from \
            recorder file names such as GET__api_atlas_v2_groups_{id}_flexClusters_{name}_backup_snapshots_1.snaphost, \
            or from the bodies' self links) and the bodies. What cannot be mapped is listed on stderr.
            """)

    @Argument(help: "Recording files or directories of them.")
    var paths: [String]

    @Option(help: "Write the document to this file instead of stdout.")
    var output: String?

    func validate() throws {
        if self.paths.isEmpty { throw ValidationError("name at least one recording file or directory") }
    }

    func run() throws {
        let outcome: RecordingImport.Outcome
        do {
            outcome = try RecordingImport.run(paths: self.paths)
        } catch {
            for problem in error.errors { StandardStreams.error("\(problem)\n") }
            throw ExitCode(2)
        }
        for note in outcome.notes { StandardStreams.error("note: \(note)\n") }
        // The document must load on its own; if it does not, that is import's bug, and saying so beats writing it.
        do {
            _ = try FixtureLoader.load(json: outcome.document, source: self.output ?? "import")
        } catch {
            for problem in error.errors { StandardStreams.error("\(problem)\n") }
            StandardStreams.error("the imported document does not load\n")
            throw ExitCode(2)
        }
        if let output = self.output {
            do {
                try Data(outcome.document).write(to: URL(fileURLWithPath: output))
            } catch {
                StandardStreams.error("--output: cannot write \(output): \(error)\n")
                throw ExitCode(2)
            }
        } else {
            StandardStreams.output(String(decoding: outcome.document, as: UTF8.self))
        }
        StandardStreams.error("imported: \(outcome.summary)\n")
    }
}
