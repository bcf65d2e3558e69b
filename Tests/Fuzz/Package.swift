// swift-tools-version:6.0
import PackageDescription

/// libFuzzer harnesses for atlas-mock, one executable per target. Kept out of the root package so its normal
/// build never needs the sanitizers; `scripts/fuzz` builds them with
/// `swift build -c debug -Xswiftc -sanitize=fuzzer,address` (debug so that `@testable import` reaches the
/// internal parsers). Each harness's `main.swift` starts libFuzzer through `LLVMFuzzerRunDriver`
/// (see `FuzzSupport`), because SwiftPM links its own `main` into every executable.
/// The root package exports only the `AtlasMock` library; `AtlasMockHTTP` comes with it, as its dependency.
let harnesses = ["HTTP1ParserFuzzer", "DigestFuzzer", "QueryFuzzer", "FixtureFuzzer", "ServerFuzzer", "TLSFuzzer"]

let package = Package(
    name: "atlas-mock-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "atlas-mock", path: "../.."),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [.target(name: "FuzzSupport")] + harnesses.map { harness in
        .executableTarget(
            name: harness,
            dependencies: [
                "FuzzSupport",
                .product(name: "AtlasMock", package: "atlas-mock"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        )
    },
    swiftLanguageModes: [.v6]
)
