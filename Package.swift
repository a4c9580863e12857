// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Hoist",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hoist", targets: ["hoist"]),
        .library(name: "HoistCore", targets: ["HoistCore"]),
        .library(name: "HoistEmulator", targets: ["HoistEmulator"]),
        .library(name: "HoistAgent", targets: ["HoistAgent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Typed wrappers over libcurl's variadic C calls; nothing else.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // CRC-64 folded with carry-less multiplication; the Swift table kernel is the fallback.
        .target(name: "CCRC64"),
        .target(
            name: "HoistCore",
            dependencies: [
                "CCurl",
                "CCRC64",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "HoistEmulator",
            dependencies: [
                "HoistCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The watch-folder service's own parts: the notify protocol, the scanner, disposition,
        // settings and metrics. Upload logic stays in HoistCore.
        .target(
            name: "HoistAgent",
            dependencies: [
                "HoistCore",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "hoist",
            dependencies: [
                "HoistCore",
                "HoistAgent",
                "HoistEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Micro benchmarks of the hot kernels (run in release; see benchmarks/README.md).
        .executableTarget(
            name: "hoist-bench",
            dependencies: ["HoistCore"],
            path: "benchmarks/HoistBench"
        ),
        // What several test targets share (a seeded generator, capturing a child's output).
        .target(name: "HoistTestSupport", path: "Tests/HoistTestSupport"),
        .testTarget(
            name: "HoistCoreTests",
            // The emulator's verifiers are the judge of the client's signatures (its vectors).
            dependencies: ["HoistCore", "HoistEmulator", "HoistTestSupport"],
            exclude: ["Support/http_test_server.py"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "HoistAgentTests",
            dependencies: ["HoistAgent", "HoistCore", "HoistTestSupport"]
        ),
        .testTarget(
            name: "HoistEmulatorTests",
            dependencies: ["HoistEmulator", "HoistCore"]
        ),
        .testTarget(
            name: "HoistIntegrationTests",
            dependencies: ["HoistCore", "HoistEmulator", "HoistTestSupport"]
        ),
    ]
)
