import Foundation
import Glibc
import Synchronization

/// Collects everything a pipe yields until EOF on a thread of its own, so a child never blocks on a full pipe.
package final class OutputCollector: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var finished = false
    }

    private let state = Mutex(State())

    package init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                self.state.withLock { $0.bytes += chunk }
            }
            self.state.withLock { $0.finished = true }
        }
    }

    package var bytes: [UInt8] { self.state.withLock { $0.bytes } }
    package var text: String { String(decoding: self.bytes, as: UTF8.self) }
    package var isFinished: Bool { self.state.withLock { $0.finished } }
}

/// A child process with its standard output and error collected. Waiting polls with `Task.sleep`, so tests never
/// block the cooperative pool while a child runs.
package final class ChildProcess {
    package let process = Process()
    package let stdout: OutputCollector
    package let stderr: OutputCollector

    /// Starts `executable` with `arguments`; the environment is ours without `ATLAS_MOCK_*`, plus `environment`.
    package init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        self.process.executableURL = URL(fileURLWithPath: executable)
        self.process.arguments = arguments
        var inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ATLAS_MOCK_") }
        inherited.merge(environment) { $1 }
        self.process.environment = inherited
        let out = Pipe()
        let err = Pipe()
        self.process.standardOutput = out
        self.process.standardError = err
        self.process.standardInput = FileHandle.nullDevice
        try self.process.run()
        self.stdout = OutputCollector(out.fileHandleForReading)
        self.stderr = OutputCollector(err.fileHandleForReading)
    }

    package var pid: Int32 { self.process.processIdentifier }

    /// Waits for the exit and for both pipes to drain; nil if `timeout` passes first.
    package func waitForExit(timeout: Double = 30) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while self.process.isRunning || !self.stdout.isFinished || !self.stderr.isFinished {
            if Date() > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return self.process.terminationStatus
    }

    /// SIGTERM, then SIGKILL if the child is still there after `grace` seconds. Safe to call twice.
    package func stop(grace: Double = 15) {
        guard self.process.isRunning else { return }
        kill(self.pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while self.process.isRunning && Date() < deadline { usleep(10_000) }
        if self.process.isRunning { kill(self.pid, SIGKILL) }
        self.process.waitUntilExit()
    }

    /// The exit status and the whole output of a command that is expected to finish by itself.
    package struct Finished: CustomStringConvertible {
        package var status: Int32
        package var stdout: String
        package var stderr: String

        package var description: String {
            "exit \(self.status) stdout \(self.stdout.debugDescription) stderr \(self.stderr.debugDescription)"
        }
    }

    /// Runs a command to completion (killing it after `timeout`).
    package static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: Double = 30
    ) async throws -> Finished {
        let child = try ChildProcess(executable, arguments, environment: environment)
        guard let status = await child.waitForExit(timeout: timeout) else {
            child.stop(grace: 1)
            throw TestSupportError("\(executable) \(arguments) did not finish in \(timeout) s")
        }
        return Finished(status: status, stdout: child.stdout.text, stderr: child.stderr.text)
    }
}
