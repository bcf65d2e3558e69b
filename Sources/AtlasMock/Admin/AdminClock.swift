import AtlasMockHTTP
import FoundationEssentials

/// `GET /__admin/clock` and `PUT /__admin/clock`: the mock clock that token and nonce expiry, job progress and
/// the sunset switch read.
struct AdminClock: Sendable {
    let services: AdminServices

    /// The body of `PUT /__admin/clock`.
    private struct Change: Sendable {
        var now: Date?
        var frozen: Bool?
        var advanceSeconds: Int?

        static let schema = ResourceSchema<Change>(
            "clock change", blank: { Change() },
            fields: [
                .optional("now", \.now, .date, "an RFC 3339 instant to jump to"),
                .optional("frozen", \.frozen, .bool, "stop or restart time where it stands"),
                .optional(
                    "advanceSeconds", \.advanceSeconds, .integer(in: -3_153_600_000...3_153_600_000),
                    "move by that many seconds, negative for back"),
            ])
    }

    func state(_ request: AdminRequest) -> HTTPServerResponse {
        self.state
    }

    private var state: HTTPServerResponse {
        let clock = self.services.clock
        let frozen: Bool
        if case .frozen = clock.currentMode { frozen = true } else { frozen = false }
        return .adminJSON(200, .object(["now": .string(AtlasDate.format(clock.now())), "frozen": .bool(frozen)]))
    }

    /// Body members, all optional, applied in this order: `now` (an RFC 3339 instant to jump to), `frozen`
    /// (stop or restart time where it stands) and `advanceSeconds` (move by that many seconds, negative for back).
    func set(_ request: AdminRequest) throws(AdminFailure) -> HTTPServerResponse {
        let change: Change
        do throws(FixtureErrors) {
            change = try FixtureLoader.decode(json: request.body, source: "PUT /__admin/clock") { reader, diagnostics throws(JSONSyntaxError) in
                try Change.schema.decode(&reader, at: "$", &diagnostics) ?? Change()
            }
        } catch {
            throw AdminFailure.rejected(error, what: "clock change")
        }
        let clock = self.services.clock
        self.services.operations.withLock { _ in
            let instant = change.now ?? clock.now()
            var frozen = false
            if case .frozen = clock.currentMode { frozen = true }
            frozen = change.frozen ?? frozen
            if change.now != nil || change.frozen != nil {
                clock.set(frozen ? .frozen(instant) : .running(offset: instant.timeIntervalSinceNow))
            }
            if let seconds = change.advanceSeconds { clock.advance(by: TimeInterval(seconds)) }
        }
        return self.state
    }
}
