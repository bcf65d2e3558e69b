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
        case literal(String)
        case parameter(String)
    }

    private var routes: [Route] = []

    mutating func add(_ method: String, _ template: String, _ operation: Operation) {
        let segments = template.split(separator: "/").map { piece -> Segment in
            piece.hasPrefix("{") && piece.hasSuffix("}") ? .parameter(String(piece.dropFirst().dropLast())) : .literal(String(piece))
        }
        self.routes.append(Route(method: method, segments: segments, operation: operation))
    }

    func match(method: String, path: Substring) -> Match {
        guard path.first == "/" else { return .notFound }
        var segments: [String] = []
        for piece in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let decoded = QueryParameters.percentDecodePath(piece) else { return .notFound }
            segments.append(decoded)
        }
        var allowed: [String] = []
        for route in self.routes where route.segments.count == segments.count {
            var parameters: [String: String] = [:]
            let matches = zip(route.segments, segments).allSatisfy { segment, value in
                switch segment {
                case .literal(let literal): return literal == value
                case .parameter(let name):
                    parameters[name] = value
                    return !value.isEmpty
                }
            }
            guard matches else { continue }
            if route.method == method { return .operation(route.operation, parameters: parameters) }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }
}

extension QueryParameters {
    /// Path segments decode `%XX` but keep `+` literal (it only means space in queries).
    static func percentDecodePath(_ text: Substring) -> String? {
        // A byte search: `contains("%")` on a Substring goes through Foundation (5% of a list request's CPU).
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        return Self.percentDecode(text.replacingOccurrences(of: "+", with: "%2B"))
    }
}

import Foundation
