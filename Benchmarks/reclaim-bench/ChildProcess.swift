import BenchmarkSupport
import Foundation

/// What the suites that run each contender in a process of its own share:
/// starting this benchmark again as a child, reading what it prints, and
/// the process's peak resident memory.
enum ChildProcess {
    /// This benchmark's own executable.
    static var benchmark: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }

    /// The executable named `name` in this benchmark's build folder, when
    /// it has been built there.
    static func sibling(_ name: String) -> URL? {
        let url = benchmark.deletingLastPathComponent().appendingPathComponent(name)
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    /// Runs `executable` (this benchmark by default) with `arguments` and
    /// decodes the JSON it prints; nil when it cannot be run or prints
    /// something else.
    static func run<Figures: Decodable>(_ arguments: [String], executable: URL = benchmark, decoding: Figures.Type) -> Figures? {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try? JSONDecoder().decode(Figures.self, from: output)
    }

    /// `figures` as one line of JSON with sorted keys (what a child prints).
    static func json<Figures: Encodable>(_ figures: Figures) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(figures), as: UTF8.self)
    }

    /// This process's peak resident memory, MiB (-1 when the system does not say).
    static func peakResidentMiB() -> Double {
        BenchmarkSupport.peakResidentMiB() ?? -1
    }
}
