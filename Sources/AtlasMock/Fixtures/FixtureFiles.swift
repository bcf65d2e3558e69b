import FoundationEssentials
import Glibc

/// The files behind command-line paths, read for the fixture loader and `atlas-mock import`: a file stands for
/// itself, a directory for the files `Listing` picks in it, in name order. Every problem is reported (missing
/// path, unlistable or empty directory, unreadable file), named by its path, and nothing is returned then.
enum FixtureFiles {
    enum Listing {
        /// The directory's own `*.json` files (fixtures).
        case jsonFiles
        /// Every file below the directory (recordings are saved in trees, often without an extension).
        case everyFileBelow

        var emptyMessage: String {
            switch self {
            case .jsonFiles: "the directory holds no *.json files"
            case .everyFileBelow: "the directory holds no files"
            }
        }

        func files(in directory: String) throws -> [String] {
            let base = directory.hasSuffix("/") ? directory : directory + "/"
            switch self {
            case .jsonFiles:
                return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
                    .sorted().map { base + $0 }
            case .everyFileBelow:
                return try FileManager.default.subpathsOfDirectory(atPath: directory).sorted().map { base + $0 }
                    .filter { file in
                        var nested = false
                        return FileManager.default.fileExists(atPath: file, isDirectory: &nested) && !nested
                    }
            }
        }
    }

    static func read(_ paths: [String], listing: Listing) throws(FixtureErrors) -> [(source: String, json: [UInt8])] {
        var files: [String] = []
        var errors: [FixtureError] = []
        for path in paths {
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                errors.append(FixtureError(source: path, path: "$", message: "no such file or directory"))
                continue
            }
            guard isDirectory else {
                files.append(path)
                continue
            }
            do {
                let listed = try listing.files(in: path)
                // An empty directory is almost always a wrong mount or path; going on with nothing would hide it.
                if listed.isEmpty { errors.append(FixtureError(source: path, path: "$", message: listing.emptyMessage)) }
                files += listed
            } catch {
                errors.append(FixtureError(source: path, path: "$", message: "cannot list the directory"))
            }
        }
        var sources: [(source: String, json: [UInt8])] = []
        for file in files {
            guard let bytes = Self.contents(of: file) else {
                errors.append(FixtureError(source: file, path: "$", message: "cannot read the file"))
                continue
            }
            sources.append((file, bytes))
        }
        guard errors.isEmpty else { throw FixtureErrors(errors) }
        return sources
    }

    /// A file's bytes read straight into one array (through `Data` they would be held twice while converted).
    private static func contents(of path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(status.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let got = Glibc.read(descriptor, buffer.baseAddress! + count, size - count)
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { break }
                count += got
            }
            failed = count != size
        }
        return failed ? nil : bytes
    }
}
