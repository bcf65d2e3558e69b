import ArgumentParser
import AtlasMock
import Dispatch
import FoundationEssentials
import Glibc

// Serving needs the embedded dataset only once the options are parsed, and decoding it is a quarter of start-up:
// a run that may serve starts it on another core first (`Fixtures.default` is initialised once; `run` waits for it).
if AtlasMockCommand.mayServe(CommandLine.arguments.dropFirst()) {
    DispatchQueue.global().async { _ = Fixtures.default }
}

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
