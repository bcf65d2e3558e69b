import ArgumentParser
import FoundationEssentials
import Glibc

// Bad flags and values exit 2 (not ArgumentParser's 64), as the README promises; help still exits 0.
do {
    var command = try AtlasMockCommand.parseAsRoot()
    try command.run()
} catch {
    let code = AtlasMockCommand.exitCode(for: error)
    if code == .success || error is ExitCode {
        AtlasMockCommand.exit(withError: error)
    }
    StandardStreams.error(AtlasMockCommand.message(for: error) + "\n")
    exit(2)
}
