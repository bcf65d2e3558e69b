import AtlasMockHTTP
import FoundationEssentials
import Synchronization

/// Successful answers of read operations, kept while the data they were rendered from is unchanged, so that the
/// requests clients repeat most (polling a restore list) skip building and encoding JSON: those were half of a list
/// request's CPU time in the benchmark profile.
///
/// An answer is reused only for the same caller, target (path and query, hence paging, `envelope` and `pretty`),
/// resolved version and link origin, against the same store generation, and only once no job's status can change on
/// the clock any more (`AtlasStore.stamp`). Authentication, access lists, faults, routing, version and sunset checks
/// all run before the cache is consulted; errors are never cached.
final class ResponseCache: Sendable {
    struct Key: Hashable, Sendable {
        var generation: UInt64
        var principal: String
        var target: String
        var version: APIVersion
        /// What links start with: nil under `--base-url` (one base for all), else the scheme and `Host` the client
        /// used; the base URL itself is only built when an answer is rendered.
        var linkOrigin: LinkOrigin?
    }

    struct LinkOrigin: Hashable, Sendable {
        var overTLS: Bool
        var authority: String?
    }

    /// Beyond this many body bytes the cache starts over: a bound, not a tuned size.
    static let byteBudget = 16 << 20

    /// Invariant: every entry was rendered from store generation `generation`; `bytes` is the sum of their bodies.
    private let state = Mutex<(generation: UInt64, bytes: Int, responses: [Key: HTTPServerResponse])>((0, 0, [:]))

    func response(for key: Key) -> HTTPServerResponse? {
        self.state.withLock { $0.generation == key.generation ? $0.responses[key] : nil }
    }

    func store(_ response: HTTPServerResponse, for key: Key) {
        self.state.withLock { state in
            guard key.generation >= state.generation else { return }
            if key.generation > state.generation || state.bytes + response.body.count > Self.byteBudget {
                state = (key.generation, 0, [:])
            }
            state.bytes += response.body.count
            if let replaced = state.responses.updateValue(response, forKey: key) { state.bytes -= replaced.body.count }
        }
    }
}
