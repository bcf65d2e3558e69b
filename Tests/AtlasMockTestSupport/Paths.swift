import Foundation

/// Where the package and the built `atlas-mock` are.
package enum Paths {
    /// The package root, from this file's path (Tests/AtlasMockTestSupport/Paths.swift).
    package static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    package static let defaultFixtures = Self.packageRoot.appendingPathComponent("fixtures/default").path

    /// The binary next to the test bundle (whatever `--build-path` was used), else `.build/debug/atlas-mock`.
    package static let binary: String = {
        var candidates: [URL] = []
        if let runner = Bundle.main.executableURL {
            candidates.append(runner.deletingLastPathComponent().appendingPathComponent("atlas-mock"))
        }
        candidates.append(Self.packageRoot.appendingPathComponent(".build/debug/atlas-mock"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
        return found.path
    }()

    /// A fresh directory under the system temporary directory.
    package static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-mock-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
