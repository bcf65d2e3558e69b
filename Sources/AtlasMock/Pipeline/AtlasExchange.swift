import AtlasMockHTTP
import FoundationEssentials
import HTTPTypes

/// One Atlas API request on its way through the pipeline, and what the stages learn about it: the caller, the
/// operation, the answer's layout, and what a middleware decided. The middleware around the pipeline (faults,
/// the journal) read it afterwards instead of being threaded through the stages.
///
/// Used by one request on one thread at a time: created by `FakeAtlas.handle`, handed down the chain, read back
/// when the reply is sent.
final class AtlasExchange {
    let request: HTTPServerRequest
    /// When the request arrived on the mock clock: the one instant all stages work at (the sunset, the bucket, the
    /// operation), so a request never sees the clock move under it.
    let received: Date
    /// `pretty=true`: errors are pretty-printed too, so this is decided before anything else can fail.
    var style = JSONWriter.Style.compact
    var principal: Principal?
    /// The legacy operationId of the operation the request reached.
    var operation: String?
    /// `Deprecation`/`Sunset` once a deprecated version is resolved; errors from then on carry them too.
    var deprecationHeaders: [HTTPField] = []
    /// What the request's token bucket held once the request was charged to it (`Ratelimit-*`).
    var rateLimit: RateLimiter.Reading?
    /// The fault rule that applied, and what it asks of the reply.
    var fault: String?
    var failsCreatedJobs = false
    var dropsConnection = false
    var delayMilliseconds = 0

    init(request: HTTPServerRequest, received: Date) {
        self.request = request
        self.received = received
    }
}
