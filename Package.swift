// swift-tools-version: 6.1
import Foundation
import PackageDescription

let package = Package(
    name: "Reclaim",
    products: [
        .library(name: "Jemalloc", targets: ["Jemalloc"]),
        .library(name: "Reclaim", targets: ["Reclaim"]),
        .library(name: "ReclaimJSON", targets: ["ReclaimJSON"]),
        .executable(name: "memstat", targets: ["memstat"]),
        .executable(name: "reclaim-bench", targets: ["reclaim-bench"]),
        .executable(name: "reclaim-stress", targets: ["reclaim-stress"]),
        // Preloaded by `memstat run` next to libjemalloc.so.2: routes the
        // program's jemalloc statistics to a file instead of its stderr.
        .library(name: "ReclaimPreload", type: .dynamic, targets: ["ReclaimPreload"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CJemalloc",
            path: "CJemalloc",
            pkgConfig: "jemalloc",
            providers: [.apt(["libjemalloc-dev"])]
        ),
        .target(name: "Jemalloc", dependencies: ["CJemalloc"]),
        .target(
            name: "ReclaimPreload",
            dependencies: ["CJemalloc"],
            linkerSettings: [.unsafeFlags([
                // Linked without the Swift runtime swiftc adds to every
                // library (Scripts/link-preload): it depends on libc and
                // libjemalloc only.
                "-use-ld=\(Context.packageDirectory)/Scripts/link-preload",
                // Its constructor runs before those of the other libraries
                // of the program, which may allocate enough to trigger an
                // early stats_interval report.
                "-Xlinker", "-z", "-Xlinker", "initfirst",
            ])]
        ),
        .target(name: "CReclaimRegistry"),
        .target(name: "CReclaimPublishing"),
        .target(name: "CReclaimIntrinsics"),
        .target(name: "Reclaim", dependencies: ["Jemalloc", "CReclaimRegistry", "CReclaimPublishing", "CReclaimIntrinsics"]),
        // Reports as JSON: the libraries' only use of Foundation.
        .target(name: "ReclaimJSON", dependencies: ["Reclaim", "Jemalloc"]),
        .target(name: "ReclaimModelCheck", dependencies: ["Reclaim", "Jemalloc", "ReclaimJSON"]),
        .target(name: "ReclaimDifferential", dependencies: ["Reclaim"]),
        .target(name: "MemstatKit", dependencies: ["Reclaim", "Jemalloc", "ReclaimJSON"]),
        .target(name: "ReclaimFuzzing", dependencies: ["Reclaim", "ReclaimModelCheck", "MemstatKit", "ReclaimJSON"]),
        // What memstat and reclaim-bench share of ArgumentParser: usage errors exit 2.
        .target(name: "UsageExit", dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "memstat",
            dependencies: [
                "MemstatKit",
                "Reclaim",
                "UsageExit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "reclaim-bench",
            dependencies: [
                "Jemalloc",
                "Reclaim",
                "ReclaimJSON",
                "reclaim-programs",  // the programs suite's child, built beside it
                "BenchmarkSupport",
                "CJemalloc",  // the raw-jemalloc reference runs beside the wrapper
                "UsageExit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/reclaim-bench"
        ),
        // The programs suite's child: whole programs on Reclaim and with
        // Swift ARC, linking Reclaim alone, as a runtime built on it would.
        .executableTarget(name: "reclaim-programs", dependencies: ["Reclaim", "BenchmarkSupport"],
                          path: "Benchmarks/reclaim-programs"),
        // What reclaim-bench and its children both measure with: the clock and peak resident memory.
        .target(name: "BenchmarkSupport", path: "Benchmarks/BenchmarkSupport"),
        .executableTarget(name: "reclaim-stress",
                          dependencies: ["Reclaim", "ReclaimModelCheck", "ReclaimDifferential", "ReclaimFuzzing"],
                          path: "Stress/reclaim-stress"),
        // The example runtime: a tiny Lisp on Reclaim's public API only.
        .target(name: "TinyLisp", dependencies: ["Reclaim"], path: "Examples/TinyLisp"),
        .executableTarget(name: "tiny-lisp", dependencies: ["TinyLisp"], path: "Examples/tiny-lisp"),
        .testTarget(name: "JemallocTests", dependencies: ["Jemalloc", "ReclaimJSON"]),
        .testTarget(name: "MemstatTests", dependencies: ["MemstatKit", "Reclaim", "ReclaimJSON", "memstat"]),
        .testTarget(name: "ReclaimTests",
                    dependencies: ["Reclaim", "Jemalloc", "ReclaimJSON", "ReclaimModelCheck", "ReclaimDifferential",
                                   "ReclaimFuzzing", "TinyLisp"]),
    ]
)

// The libFuzzer executables, only when asked for: they are linked with
// libFuzzer's main, so they build only with `--sanitize=fuzzer`
// (Scripts/fuzz sets RECLAIM_FUZZ=1 and builds them in .build-fuzz).
if ProcessInfo.processInfo.environment["RECLAIM_FUZZ"] != nil {
    for name in ["fuzz-heap", "fuzz-diff", "fuzz-segment"] {
        package.targets.append(.executableTarget(
            name: name, dependencies: ["ReclaimFuzzing"], path: "Fuzz/\(name)",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}
