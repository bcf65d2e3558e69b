import Dispatch
import FoundationEssentials
import Synchronization

/// Decoding a large array of records on all cores. A fixture of 100,000 restore jobs spends most of its load time
/// decoding them one after another, while the other cores wait; the enclosing schema already stepped over the
/// array (checking its syntax) and noted where each element starts, so chunks of elements can be read apart, each
/// by its own reader into its own records and diagnostics, and merged in element order. The result is the serial
/// decoder's, error for error: the same records, the same errors in the same order, the same paths (and, for a
/// syntax error, the same offset, as each chunk reader sits as deep in the document as the elements it reads).
extension ResourceSchema where Record: Sendable {
    /// Arrays smaller than this are read serially: for admin request bodies and the default fixtures, handing
    /// chunks to other threads costs more than it saves (a megabyte is about 2,500 restore jobs, ~25 ms serially).
    private static var concurrentBytes: Int { 1 << 20 }
    /// Elements per chunk: enough that handing one to a thread is negligible (1,024 restore jobs are ~2 ms of
    /// work), few enough to balance the cores and to keep a wave's records small (4,096 held 4 MiB more at the
    /// peak, measured with 300,000 jobs).
    private static var chunkElements: Int { 1_024 }

    /// Whether the array at `start` with `extent` is worth decoding on several cores.
    func decodesConcurrently(_ extent: JSONArrayExtent, from start: Int) -> Bool {
        extent.end - start >= Self.concurrentBytes && extent.elementStarts.count > Self.chunkElements
            && ProcessInfo.processInfo.activeProcessorCount > 1
    }

    /// Decodes the array at the reader (whose `extent` the enclosing schema found) into `located`, and leaves the
    /// reader after it. Chunks run in waves of two per core, and each wave's records are moved into `located`
    /// before the next: decoded records are then held twice only a wave at a time, not the whole array at once,
    /// which keeps the peak under twice the file's size.
    func decodeConcurrently(
        _ reader: inout JSONReader, _ extent: JSONArrayExtent, at path: JSONPath,
        into located: inout LocatedRecords<Record>, _ diagnostics: inout FixtureDiagnostics
    ) throws(JSONSyntaxError) {
        let slots = 2 * ProcessInfo.processInfo.activeProcessorCount
        // Each slot keeps its diagnostics from wave to wave, so the values it shares (ids records repeat) are
        // shared across its chunks; its errors are taken after every wave, in element order.
        let source = diagnostics.source
        let workers = Mutex((0..<slots).map { _ in Optional(ChunkWorker<Record>(source: source)) })
        let input = ChunkInput(reader: reader.element(at: reader.index), starts: extent.elementStarts, path: path)
        var waveStart = 0
        while waveStart < input.starts.count {
            let first = waveStart
            DispatchQueue.concurrentPerform(iterations: slots) { slot in
                let lower = Swift.min(input.starts.count, first + slot * Self.chunkElements)
                let upper = Swift.min(input.starts.count, lower + Self.chunkElements)
                guard lower < upper else { return }
                var worker = workers.withLock { $0[slot].take()! }
                worker.decode(lower..<upper, of: input, with: self)
                workers.withLock { $0[slot] = worker }
            }
            // Merged in slot order, which is element order within the wave.
            try workers.withLock { (workers) throws(JSONSyntaxError) in
                for slot in 0..<slots {
                    if let failure = workers[slot]!.failure { throw failure }
                    diagnostics.append(workers[slot]!.diagnostics.takeErrors())
                    let lower = first + slot * Self.chunkElements
                    for (offset, record) in workers[slot]!.records.enumerated() {
                        located.add(record, index: lower + offset)
                    }
                    workers[slot]!.records.removeAll(keepingCapacity: true)
                }
            }
            waveStart += slots * Self.chunkElements
        }
        reader.index = extent.end
    }
}

/// What every chunk reads from: a reader positioned inside the array, and where each element starts.
private struct ChunkInput: @unchecked Sendable {
    /// Unchecked because the reader holds a pointer to the document's bytes: they are only read while the chunks
    /// run, and outlive them (`concurrentPerform` returns when every chunk is done).
    let reader: JSONReader
    let starts: [Int]
    /// The array's path, held as one text (`JSONPath.flattened`).
    let path: JSONPath
}

/// One slot's state: its diagnostics, and the records (nil: invalid) and syntax error of its chunk in this wave.
private struct ChunkWorker<Record: Sendable>: Sendable {
    var diagnostics: FixtureDiagnostics
    var records: [Record?] = []
    var failure: JSONSyntaxError?

    init(source: String) {
        self.diagnostics = FixtureDiagnostics(source: source)
    }

    mutating func decode(_ elements: Range<Int>, of input: ChunkInput, with schema: ResourceSchema<Record>) {
        var reader = input.reader
        // Every field's path holds the array's text, retained and released as the field is read: a copy of its own
        // keeps each chunk off the one string all chunks would otherwise count references on at once.
        let path = JSONPath(String(decoding: Array(input.path.description.utf8), as: UTF8.self))
        do throws(JSONSyntaxError) {
            for index in elements {
                reader.index = input.starts[index]
                self.records.append(try schema.decode(&reader, at: path.element(index), &self.diagnostics))
            }
        } catch {
            self.failure = error
        }
    }
}
