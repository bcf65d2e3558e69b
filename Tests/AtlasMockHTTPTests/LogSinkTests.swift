import Foundation
import Testing

@testable import AtlasMockHTTP

/// The log sink over a real pipe (opened through `/dev/fd`, as a file path would be): lines arrive whole and in
/// order, a reader that stops reading costs the loggers nothing, and what could not be kept is reported once.
@Suite(.timeLimit(.minutes(1)))
struct LogSinkTests {
    @Test func linesArriveWholeAndInOrder() throws {
        let pipe = try TestPipe()
        let sink = try LogSink.file(path: pipe.writePath, format: .text)
        for index in 0..<1000 {
            sink.append(Array("line \(index)\n".utf8))
        }
        #expect(sink.flush(timeout: .seconds(10)))
        let lines = pipe.readLines(until: { $0.count >= 1000 })
        #expect(lines == (0..<1000).map { "line \($0)" })
    }

    /// Nobody reads: appending stays instant, lines beyond the bound are dropped; once the reader reads, every
    /// kept line arrives and one notice says how many were dropped, so kept + dropped is all that was logged.
    @Test func aStalledOutputDropsCountsAndReportsOnceItMovesAgain() throws {
        let pipe = try TestPipe()
        let sink = try LogSink.file(path: pipe.writePath, format: .text, capacity: 16 * 1024)
        let line = Array((String(repeating: "x", count: 99) + "\n").utf8)
        let started = DispatchTime.now()
        for _ in 0..<20_000 {
            sink.append(line)
        }
        let elapsed = DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds
        #expect(elapsed < 2_000_000_000, "appending never waits for the reader")

        // Each time the output moves again after losing lines, one notice follows what it kept.
        func accounted(_ lines: [String]) -> (kept: Int, dropped: Int, notices: [String]) {
            let notices = lines.filter { $0.contains("log line(s) dropped") }
            let dropped = notices.compactMap { Int($0.split(separator: "]")[1].split(separator: " ")[0]) }
            return (lines.filter { $0 == String(repeating: "x", count: 99) }.count, dropped.reduce(0, +), notices)
        }
        let lines = pipe.readLines(until: { accounted($0).kept + accounted($0).dropped >= 20_000 })
        let (kept, dropped, notices) = accounted(lines)
        #expect(kept + dropped == 20_000)
        #expect(dropped > 0)
        #expect(lines.count == kept + notices.count, "nothing else, nothing torn")
        let notice = try #require(notices.first)
        #expect(notice.contains(" warning atlas-mock: [AtlasMockHTTP] "))
        #expect(notice.hasSuffix("log line(s) dropped: \(pipe.writePath) was not taking them fast enough"))
        #expect(sink.flush(timeout: .seconds(10)))
    }

    @Test func flushWaitsUntilTheReaderTookEverything() throws {
        let pipe = try TestPipe()
        let sink = try LogSink.file(path: pipe.writePath, format: .text)
        // More than the pipe holds (64 KiB), less than the sink's bound: nothing is dropped, some must wait.
        let line = Array((String(repeating: "y", count: 199) + "\n").utf8)
        for _ in 0..<2000 {
            sink.append(line)
        }
        #expect(sink.flush(timeout: .milliseconds(200)) == false)
        let reader = Thread { _ = pipe.readLines(until: { $0.count >= 2000 }) }
        reader.start()
        #expect(sink.flush(timeout: .seconds(10)))
    }

    /// A full disk (`/dev/full`: every write fails with ENOSPC): appending goes on, and a flush at shutdown does not
    /// wait for a dropped-lines notice that can never be written.
    @Test func flushGivesUpOnAnOutputThatFails() throws {
        let sink = try LogSink.file(path: "/dev/full", format: .text)
        for index in 0..<100 {
            sink.append(Array("line \(index)\n".utf8))
        }
        let started = DispatchTime.now()
        #expect(sink.flush(timeout: .seconds(5)))
        #expect(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds < 2_000_000_000)
    }

    @Test func unopenableFileNamesThePathAndTheReason() {
        #expect(throws: LogSinkError.self) { try LogSink.file(path: "/nonexistent/dir/access.log", format: .text) }
        do {
            _ = try LogSink.file(path: "/nonexistent/dir/access.log", format: .text)
        } catch {
            #expect(
                error.description == "cannot open log file '/nonexistent/dir/access.log': No such file or directory")
        }
    }

    @Test func jsonLinesAreJSONWithEscapedText() throws {
        let line = LogFormat.json.line(
            level: .warning, label: "atlas-mock", source: "AtlasMockHTTP",
            message: "quote \" backslash \\ newline \n tab \t é", metadata: [("connection", "1")])
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false, "one line")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["message"] as? String == "quote \" backslash \\ newline \n tab \t é")
        #expect(object["level"] as? String == "warning")
        #expect(object["logger"] as? String == "atlas-mock")
        #expect(object["source"] as? String == "AtlasMockHTTP")
        #expect((object["metadata"] as? [String: String]) == ["connection": "1"])
        let time = try #require(object["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(time)")
    }

    @Test func textLinesKeepStreamLogHandlersLayout() throws {
        let line = String(
            decoding: LogFormat.text.line(
                level: .info, label: "atlas-mock", source: "AtlasMockHTTP", message: "listening", metadata: [("a", "1")]
            ),
            as: UTF8.self)
        #expect(
            line.wholeMatch(
                of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} info atlas-mock: a=1 \[AtlasMockHTTP\] listening\n/)
                != nil, "\(line)")
    }
}

/// A pipe whose write end the sink opens by path and whose read end the test reads when it chooses.
final class TestPipe: @unchecked Sendable {
    let readEnd: Int32
    private let writeEnd: Int32
    var writePath: String { "/dev/fd/\(self.writeEnd)" }

    init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
        self.readEnd = ends[0]
        self.writeEnd = ends[1]
    }

    deinit {
        close(self.readEnd)
        close(self.writeEnd)
    }

    /// Reads lines (without their newlines) until `done` holds for what was read, or 10 s pass.
    func readLines(until done: ([String]) -> Bool) -> [String] {
        var bytes: [UInt8] = []
        var lines: [String] = []
        let deadline = Date().addingTimeInterval(10)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !done(lines), Date() < deadline {
            var request = pollfd(fd: self.readEnd, events: Int16(POLLIN), revents: 0)
            guard poll(&request, 1, 100) > 0 else { continue }
            let count = read(self.readEnd, &buffer, buffer.count)
            guard count > 0 else { break }
            bytes += buffer[..<count]
            while let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: bytes[..<newline], as: UTF8.self))
                bytes.removeSubrange(...newline)
            }
        }
        return lines
    }
}
