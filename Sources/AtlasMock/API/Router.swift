/// Maps a method and path to an operation. Paths are matched segment by segment after percent-decoding;
/// `{name}` segments capture.
struct Router: Sendable {
    enum Match {
        case operation(Operation, parameters: [String: String])
        /// The path exists, but not for this method.
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private struct Route: Sendable {
        let method: String
        let segments: [Segment]
        let operation: Operation
    }

    private enum Segment: Sendable {
        /// The segment's UTF-8 bytes.
        case literal([UInt8])
        case parameter(String)
    }

    private var routes: [Route] = []
    /// The most segments any route has.
    private var longestRoute = 0

    mutating func add(_ method: String, _ template: String, _ operation: Operation) {
        let segments = template.split(separator: "/").map { piece -> Segment in
            piece.hasPrefix("{") && piece.hasSuffix("}")
                ? .parameter(String(piece.dropFirst().dropLast())) : .literal(Array(piece.utf8))
        }
        self.routes.append(Route(method: method, segments: segments, operation: operation))
        self.longestRoute = max(self.longestRoute, segments.count)
    }

    /// Works on the path's bytes and makes a `String` only for the captured parameters of the route that matched:
    /// splitting into `Character`s and building a `String` per segment was 11% of a list request's CPU time.
    func match(method: String, path: Substring) -> Match {
        guard path.utf8.first == UInt8(ascii: "/") else { return .notFound }
        var segments: [Substring] = []
        segments.reserveCapacity(self.longestRoute)
        let encoded = path.utf8.contains(UInt8(ascii: "%"))
        var rest = path.utf8.dropFirst()
        while true {
            let end = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
            let piece = Substring(rest[..<end])
            guard let decoded = encoded ? QueryParameters.percentDecodePath(piece) : piece else { return .notFound }
            segments.append(decoded)
            guard end < rest.endIndex else { break }
            rest = rest[rest.index(after: end)...]
        }
        var allowed: [String] = []
        for route in self.routes where route.segments.count == segments.count {
            let matches = zip(route.segments, segments).allSatisfy { segment, value in
                switch segment {
                case .literal(let literal): value.utf8.elementsEqual(literal)
                case .parameter: !value.isEmpty
                }
            }
            guard matches else { continue }
            guard route.method == method else {
                allowed.append(route.method)
                continue
            }
            var parameters = [String: String](minimumCapacity: route.segments.count)
            for case (.parameter(let name), let value) in zip(route.segments, segments) {
                parameters[name] = String(value)
            }
            return .operation(route.operation, parameters: parameters)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }
}

extension QueryParameters {
    /// Path segments decode `%XX` but keep `+` literal (it only means space in queries). Most segments have no
    /// `%` and come back as they are, without a copy.
    static func percentDecodePath(_ text: Substring) -> Substring? {
        // A byte search: `contains("%")` on a Substring goes through Foundation (5% of a list request's CPU).
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        return Self.percentDecode(text.replacing("+", with: "%2B")).map { $0[...] }
    }
}

import FoundationEssentials
