@testable import AtlasMock

/// Loads the input as one fixture document, alone and on top of the default fixtures (so references into
/// them and duplicates of them are checked too), and as a `POST /__admin/faults` body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let json = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? FixtureLoader.load(json: json, source: "fuzz.json")
    _ = try? FixtureLoader.load(json: json, source: "fuzz.json", onto: .default)
    _ = try? FixtureLoader.faultRules(json: json, source: "faults")
    return 0
}
