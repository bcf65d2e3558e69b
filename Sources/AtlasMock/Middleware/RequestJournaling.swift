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
        let journal = self.journal
        let finish: @Sendable () -> Void = {
            journal.record(entry)
            reply(drops ? .dropConnection : .response(response))
        }
        let delay = exchange.delayMilliseconds
        guard delay > 0 else { return finish() }
        // Delays must not hold the connection's thread: the reply is scheduled, not slept for.
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay), execute: finish)
    }
}
