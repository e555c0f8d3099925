import Foundation
import Jemalloc
@testable import MemstatKit
import Testing

/// A C program that leaks known amounts from two known functions, compiled
/// with the toolchain's clang for the test.
final class LeakyProgram {
    static let source = """
        #include <stdio.h>
        #include <stdlib.h>
        __attribute__((noinline)) void leak_large_blocks(void) {
            for (int i = 0; i < 32; i++) { volatile char *p = malloc(65536); p[0] = 1; }
        }
        __attribute__((noinline)) void leak_small_blocks(void) {
            for (int i = 0; i < 4096; i++) { volatile char *p = malloc(128); p[0] = 1; }
        }
        __attribute__((noinline)) void churn(void) {
            for (int i = 0; i < 100000; i++) { volatile char *p = malloc(256); p[0] = 1; free((void *)p); }
        }
        int main(void) { leak_large_blocks(); leak_small_blocks(); churn(); puts("leaky done"); return 0; }
        """
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memstat-leaky-\(UUID().uuidString)")
    var path: String { directory.appendingPathComponent("leaky").path }

    init() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("leaky.c")
        try LeakyProgram.source.write(to: file, atomically: true, encoding: .utf8)
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["clang", "-O1", "-g", "-o", path, file.path]
        try compiler.run()
        compiler.waitUntilExit()
        guard compiler.terminationStatus == 0 else { throw CompileFailed() }
    }

    struct CompileFailed: Error {}

    deinit { try? FileManager.default.removeItem(at: directory) }
}

@Suite("memstat run --leaks", .enabled(if: SharedLibrary.isProcessMalloc, "memstat run preloads Reclaim's preload library, instrumented under a sanitizer, into programs without its runtime"))
struct MemstatLeaksTests {
    @Test("the sites still holding memory at exit are listed by function and line, largest first")
    func leakingProgram() throws {
        let program = try LeakyProgram()
        let result = try MemstatBinary.run(["run", "--leaks", "--json", "--", program.path])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("leaky done\n"))
        let json = String(result.stdout.dropFirst("leaky done\n".count))
        let report = try decodeReport(json)
        #expect(report.kind == .leaks)
        guard case .leaks(_, _, let leaks, _) = report.content else {
            Issue.record("a \(report.kind) report, not leaks")
            return
        }
        #expect(leaks.sampleIntervalBytes == 4096)
        #expect(leaks.sites.count <= 10)
        let large = try #require(leaks.sites.first)
        #expect(large.function == "leak_large_blocks")
        #expect(large.location?.hasSuffix("leaky.c:4") == true, "\(large.location ?? "no location")")
        // 32 blocks of 64 KiB: each is larger than the sample interval, so the estimate is close.
        #expect((1_572_864...2_621_440).contains(large.bytes), "\(large.bytes)")
        let small = try #require(leaks.sites.first { $0.function == "leak_small_blocks" })
        // 4096 blocks of 128 bytes (512 KiB), sampled: an estimate.
        #expect((262_144...1_048_576).contains(small.bytes), "\(small.bytes)")
        #expect(!leaks.sites.contains { $0.function == "churn" })
        #expect(leaks.sites.map(\.bytes) == leaks.sites.map(\.bytes).sorted(by: >))
        #expect(leaks.totalBytes >= large.bytes + small.bytes)
        // The preload brings no Swift runtime into the program. (libstdc++
        // comes with Debian's libjemalloc.so.2, which provides operator new.)
        let swift = leaks.sites.filter { $0.function.lowercased().contains("swift") || $0.function.hasPrefix("$s") }
        #expect(swift.isEmpty, "\(swift.map(\.function))")

        let text = try MemstatBinary.run(["run", "--leaks", "--top", "3", "--", program.path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Live at exit, by allocation site"))
        #expect(text.stdout.contains("leak_large_blocks leaky.c:4"))
        #expect(text.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test("behind a wrapper script, only the program's output reaches stderr, and its own binary is symbolised")
    func wrapperScript() throws {
        let program = try LeakyProgram()
        // Like pyenv's shims: a shell script that runs a few commands of its
        // own and then executes the real program.
        let wrapper = program.directory.appendingPathComponent("wrapper").path
        try """
            #!/bin/sh
            version=$(echo 1.0)
            /bin/true
            echo "wrapper $version" >&2
            exec \(program.path) "$@"
            """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper)
        let result = try MemstatBinary.run(["run", "--leaks", "--", wrapper])
        #expect(result.status == 0)
        #expect(result.stderr == "wrapper 1.0\n", "stderr: \(result.stderr.prefix(600))")
        #expect(result.stdout.contains("leak_large_blocks leaky.c:4"), "the real binary's symbols, not the script's")
    }

    @Test("memstat's helpers get none of the variables that preload, profile or report")
    func helperEnvironment() {
        let environment = ["PATH": "/usr/bin", "HOME": "/root", "LD_PRELOAD": "/x.so", "MALLOC_CONF": "prof:true",
                           "RECLAIM_MEMSTAT_DIR": "/tmp/m", "RECLAIM_PUBLISH": "1", "RECLAIM_PUBLISH_INTERVAL_MS": "10"]
        #expect(ProgramRun.helperEnvironment(from: environment) == ["PATH": "/usr/bin", "HOME": "/root"])
    }

    @Test("the preload library depends on libc and libjemalloc only")
    func preloadDependencies() throws {
        let library = URL(fileURLWithPath: MemstatBinary.path).deletingLastPathComponent()
            .appendingPathComponent("libReclaimPreload.so").path
        let readelf = Process()
        readelf.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        readelf.arguments = ["readelf", "--dynamic", library]
        let output = Pipe()
        readelf.standardOutput = output
        try readelf.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        readelf.waitUntilExit()
        #expect(readelf.terminationStatus == 0)
        let needed = text.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line -> String? in
            guard let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
        #expect(needed.sorted() == ["libc.so.6", "libjemalloc.so.2"])
    }

    @Test("a program that writes no profile gets a clear error and a non-zero exit")
    func noProfile() throws {
        let result = try MemstatBinary.run(["run", "--leaks", "--", "perl", "-e", "use POSIX; POSIX::_exit(0)"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("wrote no heap profile"))
    }

    @Test("without jeprof on PATH, --leaks says what to install and runs nothing")
    func missingJeprof() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("memstat-nojeprof-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let marker = scratch.appendingPathComponent("ran").path
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = scratch.path
        let result = try MemstatBinary.run(["run", "--leaks", "--", "/usr/bin/touch", marker], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("--leaks needs jeprof"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("bad --leaks options exit 2", arguments: [["--lg-sample", "31"], ["--lg-sample", "-1"], ["--top", "0"]])
    func badOptions(arguments: [String]) throws {
        let result = try MemstatBinary.run(["run", "--leaks"] + arguments + ["--", "/bin/true"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Error:"))
    }
}

@Suite("jeprof report parsing")
struct JeprofParsingTests {
    @Test("rows become sites: names with spaces, unknown locations, discriminators and Swift symbols")
    func parse() throws {
        let text = """
            Total: 3000 B
                2000  66.7%  66.7%     2000  66.7% leak_here /src/a.c:12 (discriminator 3)
                 600  20.0%  86.7%      600  20.0% std::vector<int, std::allocator<int> >::reserve /usr/include/vector.tcc:70
                 300  10.0%  96.7%      300  10.0% $sSS5countSivg ??:?
                 100   3.3% 100.0%      100   3.3% mystery
                   0   0.0% 100.0%     3000 100.0% main /src/a.c:30
            """
        let report = try #require(LeakProfiling.parse(text))
        #expect(report.totalBytes == 3000)
        #expect(report.sites.map(\.function) == [
            "leak_here", "std::vector<int, std::allocator<int> >::reserve", "Swift.String.count.getter : Swift.Int", "mystery",
        ])
        #expect(report.sites.map(\.location) == ["/src/a.c:12", "/usr/include/vector.tcc:70", nil, nil])
        #expect(report.sites.map(\.bytes) == [2000, 600, 300, 100])
        #expect(report.sites[0].share == 2000.0 / 3000.0)
        #expect(report.sites[0].cumulativeBytes == 2000)
        #expect(LeakProfiling.parse("no total here") == nil)
    }
}
