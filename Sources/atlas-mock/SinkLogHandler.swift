import AtlasMockHTTP
import Logging

/// swift-log's backend for the server: every log line, formatted in the sink's format, queued on a `LogSink`, so
/// no thread that logs (an event loop above all) ever waits for stderr.
struct SinkLogHandler: LogHandler {
    let label: String
    let sink: LogSink
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
        self.sink.append(
            self.sink.format.line(
                level: event.level, label: self.label, source: event.source, message: event.message.description,
                metadata: merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value.description) }))
    }
}
