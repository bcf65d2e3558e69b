import Foundation
import HTTPTypes

@testable import AtlasMock

/// Splits the input at its first `?` into a path and a query, as a request target is split, and runs both
/// through what `FakeAtlas` does with them: `QueryParameters` with its typed accessors, and the router.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let target = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let question = target.firstIndex(of: "?")
    let path = target[..<(question ?? target.endIndex)]
    let query = question.map { target[target.index(after: $0)...] }

    if let parameters = try? QueryParameters(rawQuery: query) {
        for (name, value) in parameters.pairs {
            // Encoding then decoding is the identity: links echo parameters back this way.
            let encoded = QueryParameters.percentEncode(value)
            precondition(QueryParameters.percentDecode(encoded) == value, "percent round trip of \(value)")
            _ = try? parameters.bool(name, default: false)
            _ = try? parameters.int(name, default: 0, in: 1...500)
        }
        _ = try? parameters.int("pageNum", default: 1, in: 1...Int.max)
        _ = try? parameters.int("itemsPerPage", default: 100, in: 1...500)
        _ = try? parameters.bool("includeCount", default: true)
    }
    for method in [HTTPRequest.Method.get, .post, .patch, .delete] {
        _ = fuzzingRouter.match(method: method, path: path)
    }
    return 0
}

/// Every route the fake Atlas serves.
private let fuzzingRouter = Router(AtlasRoutes.all)
