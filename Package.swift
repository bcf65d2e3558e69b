// swift-tools-version:6.0
import PackageDescription

// The products several targets use, each spelled once.
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")

let package = Package(
    name: "atlas-mock",
    // Linux only: the transport is built on epoll and glibc (Sources/CEpoll, Sources/CGlibcMalloc).
    products: [
        .executable(name: "atlas-mock", targets: ["atlas-mock"]),
        // Lets a Swift test suite start the fake in-process (see README, "Embedding").
        .library(name: "AtlasMock", targets: ["AtlasMock", "SharedCLibraries"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // HTTP/2 framing (libnghttp2-dev; see HTTP2/HTTP2Engine.swift, the one file that uses it).
        .systemLibrary(name: "CNghttp2"),
        // TLS for the https listener (libssl-dev; see TLS/OpenSSL.swift, the one file that uses it).
        .systemLibrary(name: "COpenSSL"),
        // The two module maps name no library: the final product chooses. The executable links the static
        // archives (loading libcrypto.so, its relocations, was about 1.5 ms of every start; BENCHMARKS.md). A
        // process embedding the library (and the tests) gets the shared ones from this target instead, since it may
        // load OpenSSL through libcurl too (URLSession), and a static copy would then interpose on libcurl's calls.
        .target(
            name: "SharedCLibraries",
            linkerSettings: [.linkedLibrary("nghttp2"), .linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        // glibc's malloc_trim (see FreedMemory.swift).
        .systemLibrary(name: "CGlibcMalloc"),
        // Linux's epoll (see EventLoop.swift).
        .systemLibrary(name: "CEpoll"),
        .target(
            name: "AtlasMockHTTP",
            dependencies: ["CNghttp2", "COpenSSL", "CGlibcMalloc", "CEpoll", httpTypes, logging]
        ),
        .target(
            name: "AtlasMock",
            dependencies: ["AtlasMockHTTP", httpTypes, logging],
            // fixtures/default, linked into the target: SwiftPM compiles the files in as byte arrays.
            resources: [.embedInCode("Fixtures/default")]
        ),
        .executableTarget(
            name: "atlas-mock",
            dependencies: ["AtlasMock", argumentParser, logging],
            linkerSettings: [
                .linkedLibrary(":libnghttp2.a"), .linkedLibrary(":libssl.a"), .linkedLibrary(":libcrypto.a"),
                // A release binary is not position-independent: this large a PIE relocated itself at every start
                // (62,000 relative relocations, about 0.7 ms and 2 MiB of resident pages it then kept). ASLR still
                // randomises the heap, the stacks and the shared libraries; debug and sanitizer builds stay PIE.
                .unsafeFlags(["-Xclang-linker", "-no-pie"], .when(configuration: .release)),
            ]
        ),
        // The helpers every test target shares: clients (raw HTTP/1.1, curl and nghttp, Digest), the live-server
        // fixtures, the child-process runner and the default dataset's names.
        .target(
            name: "AtlasMockTestSupport",
            dependencies: ["AtlasMock", "AtlasMockHTTP", "SharedCLibraries", logging],
            path: "Tests/AtlasMockTestSupport"
        ),
        .testTarget(
            name: "AtlasMockHTTPTests",
            dependencies: ["AtlasMockHTTP", "AtlasMockTestSupport", "CNghttp2", httpTypes, logging]
        ),
        .testTarget(
            name: "AtlasMockTests",
            dependencies: ["AtlasMock", "AtlasMockHTTP", "AtlasMockTestSupport", httpTypes]
        ),
        // Drives the built atlas-mock binary with curl and nghttp; AtlasMock only for the embedding example.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["AtlasMock", "AtlasMockTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
