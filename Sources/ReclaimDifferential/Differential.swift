import Foundation

/// Runs programs with python3 and with Reclaim and compares what they
/// print, line by line; shrinks a program that differs to a small one that
/// still does.
public enum Differential {
    /// A program whose outputs differ.
    public struct Mismatch: Error, CustomStringConvertible {
        /// The seed that wrote it (nil for a fixture).
        public var seed: UInt64?
        /// The program, shrunk as far as the difference allows.
        public var program: Program
        /// python3's lines and Reclaim's, up to the end marker.
        public var python: [String]
        /// Reclaim's lines, up to the end marker.
        public var reclaim: [String]

        /// The seed, the first differing line and the program.
        public var description: String {
            let index = Array(zip(python, reclaim)).firstIndex { $0.0 != $0.1 } ?? min(python.count, reclaim.count)
            let expected = index < python.count ? python[index] : "(nothing)"
            let got = index < reclaim.count ? reclaim[index] : "(nothing)"
            return "seed \(seed.map(String.init) ?? "-"): line \(index + 1): python3 printed \"\(expected)\", "
                + "Reclaim \"\(got)\"\n\(program.python)"
        }
    }

    /// python3 could not run a program.
    public struct PythonFailure: Error, CustomStringConvertible {
        /// What went wrong: the exit status and python3's error output.
        public var message: String
        /// `python3: <message>`.
        public var description: String { "python3: \(message)" }
    }

    /// What python3 prints for `program`, up to and including the end marker.
    public static func pythonOutput(of program: Program) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", program.python]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let end = lines.firstIndex(of: Program.endMarker) else {
            throw PythonFailure(message: "no end marker; stderr: \(String(decoding: errorData, as: UTF8.self).suffix(500))")
        }
        return Array(lines[...end])
    }

    /// The two outputs of `program`, each with the lines a collection's
    /// finalizers and callbacks printed in sorted order (see `normalized`).
    public static func compare(_ program: Program) throws -> (python: [String], reclaim: [String]) {
        (normalized(try pythonOutput(of: program)), normalized(try ProgramRun.output(of: program)))
    }

    /// `lines` with each collection's own lines — between the collection
    /// marker and the collection's `collect` line — sorted.
    ///
    /// The one documented difference the comparison allows: within one
    /// collection, CPython runs finalizers and callbacks in the order of
    /// its generation lists (about allocation order), Reclaim in the order
    /// of its generation tables, which a removal reorders (the last entry
    /// takes the freed place). Which ones run, and everything printed
    /// outside collections, must agree exactly. `DifferentialTests` pins an
    /// example (seed 386).
    public static func normalized(_ lines: [String]) -> [String] {
        var result: [String] = []
        var block: [String]? = nil
        for line in lines {
            if line == Program.collectionMarker {
                if let open = block { result += open }
                block = []
                result.append(line)
            } else if block != nil, line.hasPrefix("collect") {
                result += block!.sorted()
                result.append(line)
                block = nil
            } else if block != nil {
                block!.append(line)
            } else {
                result.append(line)
            }
        }
        return result + (block ?? [])
    }

    /// Checks `program`; on a difference, shrinks it (dropping statements
    /// while the outputs still differ) and throws the small program.
    public static func check(_ program: Program, seed: UInt64?) throws {
        let (python, reclaim) = try compare(program)
        guard python != reclaim else { return }
        var smallest = program
        var chunk = max(1, smallest.statements.count / 2)
        while chunk >= 1 {
            var index = 0
            while index < smallest.statements.count {
                var candidate = smallest
                candidate.statements.removeSubrange(index..<min(index + chunk, candidate.statements.count))
                let (p, r) = try compare(candidate)
                if p != r { smallest = candidate } else { index += chunk }
            }
            chunk /= 2
        }
        let (p, r) = try compare(smallest)
        throw Mismatch(seed: seed, program: smallest, python: p, reclaim: r)
    }
}
