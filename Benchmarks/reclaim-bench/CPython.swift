import Foundation

/// Runs a timing script with the machine's `python3` and reads the
/// nanoseconds per operation it prints. The script times `n` runs of
/// `statement` after `setup` with `time.perf_counter_ns`, minus an empty
/// loop of the same length, so only the statement's own cost is counted.
enum CPython {
    /// What python3 prints for `script`; nil when it cannot be run.
    static func output(of script: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    /// The numbers python3 prints for `script`, in order (separated by spaces or lines).
    static func numbers(printedBy script: String) -> [Double] {
        (output(of: script) ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Double($0) }
    }

    static func nanosecondsPerOperation(setup: String, statement: String, n: Int) -> Double {
        let script = """
            import time
            \(setup)
            def run(n):
                t0 = time.perf_counter_ns()
                for _ in range(n):
                    \(statement)
                t1 = time.perf_counter_ns()
                for _ in range(n):
                    pass
                t2 = time.perf_counter_ns()
                return ((t1 - t0) - (t2 - t1)) / n
            run(\(max(1, n / 10)))
            print(run(\(n)))
            """
        guard let output = output(of: script) else {
            FileHandle.standardError.write(Data("reclaim-bench: cannot run python3\n".utf8))
            return .nan
        }
        return Double(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan
    }

    /// A python3 function, `peak_resident_mib()`, for a script's prelude:
    /// the process's peak resident memory in MiB, read as the Swift side
    /// reads it (`VmHWM`, see `BenchmarkSupport.peakResidentMiB()`), not
    /// from `ru_maxrss`, which a spawned child inherits from its parent.
    static let peakResidentFunction = """
        def peak_resident_mib():
            with open('/proc/self/status') as status:
                for line in status:
                    if line.startswith('VmHWM:'):
                        return int(line.split()[1]) / 1024
            return -1
        """

    /// `sys.getsizeof` of each expression, in order.
    static func sizes(setup: String, expressions: [String]) -> [Int] {
        let script = "import sys\n\(setup)\n" + expressions.map { "print(sys.getsizeof(\($0)))" }.joined(separator: "\n")
        guard let output = output(of: script) else { return expressions.map { _ in -1 } }
        return output.split(separator: "\n").map { Int($0) ?? -1 }
    }
}
