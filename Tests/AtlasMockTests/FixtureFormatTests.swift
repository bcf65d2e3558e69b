import Foundation
import Testing

@testable import AtlasMock

/// `fixtures/FORMAT.md` documents every field the loader accepts: its tables are the resource declarations'.
@Suite struct FixtureFormatTests {
    @Test func formatMarkdownHoldsTheDeclaredFieldTables() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let format = try String(contentsOf: root.appendingPathComponent("fixtures/FORMAT.md"), encoding: .utf8)
        let start = try #require(format.range(of: FixtureFormat.beginMarker), "FORMAT.md lacks the generated tables")
        let end = try #require(format.range(of: FixtureFormat.endMarker))
        let documented = String(format[start.lowerBound..<end.upperBound])
        if documented != FixtureFormat.fieldTables {
            // What the file should hold, for pasting in.
            let expected = root.appendingPathComponent(".build/FORMAT-field-tables.md")
            try? FixtureFormat.fieldTables.write(to: expected, atomically: true, encoding: .utf8)
            Issue.record("fixtures/FORMAT.md's field tables differ from the declarations; the expected text is in \(expected.path)")
        }
    }

    @Test func everyDeclaredFieldIsDocumented() {
        for name in ["snapshotId", "targetDeploymentItemName", "flexOrigin", "accessList", "failRestoreJobs", "tenantSnapshots"] {
            #expect(FixtureFormat.fieldTables.contains("| `\(name)` |"), "\(name)")
        }
    }
}
