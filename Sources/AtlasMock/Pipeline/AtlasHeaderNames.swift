import HTTPTypes

/// Header names Atlas sends that HTTPTypes does not predefine, parsed once rather than on every response.
extension HTTPField.Name {
    static let deprecation = Self("Deprecation")!
    static let sunset = Self("Sunset")!
    /// Spelled as recorded (`Ratelimit-…`; the spec writes `RateLimit-…`, and HTTP names are case-insensitive).
    static let ratelimitLimit = Self("Ratelimit-Limit")!
    static let ratelimitRemaining = Self("Ratelimit-Remaining")!
    static let xErrorCode = Self("X-Error-Code")!
}
