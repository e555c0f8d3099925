import Foundation

/// What the suites that run each contender in a process of its own share:
/// starting this benchmark again as a child, reading what it prints, and
/// the process's peak resident memory.
enum ChildProcess {
    /// Runs this benchmark with `arguments` and decodes the JSON it prints;
    /// nil when it cannot be run or prints something else.
    static func run<Figures: Decodable>(_ arguments: [String], decoding: Figures.Type) -> Figures? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
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

    /// This process's peak resident memory, MiB.
    static func peakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
