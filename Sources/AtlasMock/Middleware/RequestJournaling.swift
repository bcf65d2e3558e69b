import AtlasMockHTTP
import Dispatch

/// Delivers the Atlas API's answers: each request is journaled with its final status just before its reply goes
/// out, after the delay or instead of the reply a fault rule asked for (`AtlasExchange`).
struct RequestJournaling: Sendable {
    let journal: RequestJournal

    func deliver(
        _ response: HTTPServerResponse, for exchange: AtlasExchange,
        reply: @escaping @Sendable (HTTPServerReply) -> Void
    ) {
        let drops = exchange.dropsConnection
        let entry = JournalEntry(
            request: exchange.request, time: exchange.received, principal: exchange.principal?.name,
            status: drops ? nil : response.head.status.code, fault: exchange.fault, operation: exchange.operation)
        let delay = exchange.delayMilliseconds
        guard delay > 0 else { return Self.finish(self.journal, entry, drops ? .dropConnection : .response(response), reply) }
        // Delays must not hold the connection's thread: the reply is scheduled, not slept for.
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay)) { [journal = self.journal] in
            Self.finish(journal, entry, drops ? .dropConnection : .response(response), reply)
        }
    }

    /// Called directly when there is no delay: a closure for it would be allocated on every request.
    private static func finish(
        _ journal: RequestJournal, _ entry: JournalEntry, _ answer: HTTPServerReply,
        _ reply: @Sendable (HTTPServerReply) -> Void
    ) {
        journal.record(entry)
        reply(answer)
    }
}
