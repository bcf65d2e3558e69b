import FoundationEssentials
import HTTPTypes

/// What a router maps to: the Atlas API's operations and the admin API's routes.
protocol Routable: Sendable {
    var method: HTTPRequest.Method { get }
    /// The path template; `{name}` segments capture.
    var path: String { get }
}

/// Maps a method and path to a route. Paths are matched segment by segment after percent-decoding;
/// `{name}` segments capture.
struct Router<Route: Routable>: Sendable {
    enum Match {
        case route(Route, parameters: [String: String])
        /// The path exists, but not for this method; `routes` are the ones it has.
        case methodNotAllowed(allowed: [String], routes: [Route])
        case notFound
    }

    private struct Entry: Sendable {
        let method: String
        let segments: [Segment]
        let route: Route
    }

    private enum Segment: Sendable {
        /// The segment's UTF-8 bytes.
        case literal([UInt8])
        case parameter(String)
    }

    private var entries: [Entry] = []
    /// The most segments any route has.
    private var longestRoute = 0

    init(_ routes: [Route]) {
        for route in routes {
            let segments = route.path.split(separator: "/").map { piece -> Segment in
                piece.hasPrefix("{") && piece.hasSuffix("}")
                    ? .parameter(String(piece.dropFirst().dropLast())) : .literal(Array(piece.utf8))
            }
            self.entries.append(Entry(method: route.method.rawValue, segments: segments, route: route))
            self.longestRoute = max(self.longestRoute, segments.count)
        }
    }

    /// Works on the path's bytes and makes a `String` only for the captured parameters of the route that matched:
    /// splitting into `Character`s and building a `String` per segment was 11% of a list request's CPU time, and
    /// scanning through `Substring.UTF8View` indices a further 5%.
    func match(method: HTTPRequest.Method, path: Substring) -> Match {
        let method = method.rawValue
        var path = path
        // A native string's own UTF-8 storage: no copy.
        return path.withUTF8 { bytes in
            guard bytes.first == UInt8(ascii: "/") else { return .notFound }
            let raw = Self.segments(of: bytes)
            guard raw.count <= self.longestRoute else { return .notFound }
            guard bytes.contains(UInt8(ascii: "%")) else {
                return self.match(method: method, bytes: bytes, segments: raw)
            }
            // Percent escapes (rare): match the decoded segments, laid end to end in a buffer of their own.
            var decoded: [UInt8] = []
            var segments: [Range<Int>] = []
            for range in raw {
                let piece = Substring(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
                guard let text = QueryParameters.percentDecodePath(piece) else { return .notFound }
                segments.append(decoded.count..<decoded.count + text.utf8.count)
                decoded.append(contentsOf: text.utf8)
            }
            return decoded.withUnsafeBufferPointer { self.match(method: method, bytes: $0, segments: segments) }
        }
    }

    /// The byte ranges between the slashes of `path`, which starts with one.
    private static func segments(of path: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var segments: [Range<Int>] = []
        var start = 1
        for index in 1..<path.count where path[index] == UInt8(ascii: "/") {
            segments.append(start..<index)
            start = index + 1
        }
        segments.append(start..<path.count)
        return segments
    }

    private func match(method: String, bytes: UnsafeBufferPointer<UInt8>, segments: [Range<Int>]) -> Match {
        var allowed: [String] = []
        var routes: [Route] = []
        for entry in self.entries where entry.segments.count == segments.count {
            let matches = zip(entry.segments, segments).allSatisfy { segment, range in
                switch segment {
                case .literal(let literal): UnsafeBufferPointer(rebasing: bytes[range]).elementsEqual(literal)
                case .parameter: !range.isEmpty
                }
            }
            guard matches else { continue }
            guard entry.method == method else {
                allowed.append(entry.method)
                routes.append(entry.route)
                continue
            }
            var parameters = [String: String](minimumCapacity: entry.segments.count)
            for case (.parameter(let name), let range) in zip(entry.segments, segments) {
                parameters[name] = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
            return .route(entry.route, parameters: parameters)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed, routes: routes)
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
