import AtlasMockTestSupport
import Foundation
import Testing

/// The README's "Running it" table and `atlas-mock serve --help` name the same flags, variables and defaults.
/// `--help` reads them from the one table in the executable (Sources/atlas-mock/Options/ServeOptions.swift), so this
/// also holds the README to that table.
@Suite("README flag table")
struct ReadmeFlagTableTests {
    struct Row: Equatable, CustomStringConvertible {
        var flag: String
        var variable: String
        var defaultText: String
        var description: String { "--\(self.flag) | \(self.variable) | \(self.defaultText)" }
    }

    /// Each serve option of `--experimental-dump-help` (the text `--help` prints, unwrapped), its help ending in
    /// `[VARIABLE, default TEXT]`.
    private func helpRows() async throws -> [Row] {
        let result = try await ChildProcess.run(Paths.binary, ["serve", "--experimental-dump-help"])
        try #require(result.status == 0, "\(result)")
        let dump = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let command = try #require(dump["command"] as? [String: Any])
        let arguments = try #require(command["arguments"] as? [[String: Any]])
        var rows: [Row] = []
        for argument in arguments {
            let names = (argument["names"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "long" }
            guard let flag = names.first?["name"] as? String, flag != "help" else { continue }
            let help = argument["abstract"] as? String ?? ""
            let bracket = try #require(
                help.hasSuffix("]") ? help.range(of: "[", options: .backwards) : nil,
                "--\(flag)'s help does not end in [VARIABLE, default TEXT]: \(help)")
            let parts = help[bracket.upperBound..<help.index(before: help.endIndex)]
                .components(separatedBy: ", default ")
            try #require(parts.count == 2, "--\(flag)'s help does not end in [VARIABLE, default TEXT]: \(help)")
            rows.append(Row(flag: flag, variable: parts[0], defaultText: parts[1]))
        }
        return rows
    }

    /// The rows of the README's first table under "## Running it": the first code span of the flag and environment
    /// columns (`--auth strict\|off` → `auth`), the default column without code marks.
    private func readmeRows() throws -> [Row] {
        let readme = try String(
            contentsOf: Paths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "\n## Running it\n").dropFirst().first)
        let lines = section.components(separatedBy: "\n").drop { !$0.hasPrefix("| Flag |") }.dropFirst(2)
            .prefix { $0.hasPrefix("|") }
        return try lines.map { line in
            let cells = line.replacingOccurrences(of: #"\|"#, with: "¦").split(separator: "|")
                .map { $0.trimmingCharacters(in: .whitespaces) }
            try #require(cells.count == 4, "README flag table row: \(line)")
            func firstCode(_ cell: String) throws -> String {
                let spans = cell.components(separatedBy: "`")
                return try #require(spans.count >= 3 ? spans[1] : nil, "no `code` in \(cell)")
            }
            let flag = try firstCode(cells[0]).split(separator: " ")[0]
            try #require(flag.hasPrefix("--"), "README flag table row: \(line)")
            return Row(
                flag: String(flag.dropFirst(2)), variable: try firstCode(cells[1]),
                defaultText: cells[2].replacingOccurrences(of: "`", with: ""))
        }
    }

    @Test func readmeTableMatchesHelp() async throws {
        let help = try await self.helpRows()
        let readme = try self.readmeRows()
        #expect(!help.isEmpty)
        #expect(readme.map(\.flag) == help.map(\.flag), "README rows and --help options, in order")
        for row in help {
            #expect(readme.first { $0.flag == row.flag } == row)
        }
    }
}
