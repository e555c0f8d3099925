import ArgumentParser
import Foundation
import Jemalloc
import MemstatKit
import Reclaim

/// Options every report takes.
struct ReportOptions: ParsableArguments {
    @Flag(help: "Print the report as JSON (schema reclaim.memstat/1, see docs/memstat-json.md).")
    var json = false
}

/// Prints `report` as text or JSON.
func emit(_ report: Report, json: Bool) throws {
    if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(report))
        FileHandle.standardOutput.write(Data("\n".utf8))
    } else {
        FileHandle.standardOutput.write(Data(TextRenderer.render(report).utf8))
    }
}

/// Prints `memstat: message` on stderr.
func complain(_ message: String) {
    FileHandle.standardError.write(Data("memstat: \(message)\n".utf8))
}

struct Memstat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memstat",
        abstract: "Allocator statistics from jemalloc, for people and for tools.",
        discussion: """
            Without a subcommand, prints the summary of this process's allocator. \
            New here? Start with `memstat demo`. \
            Use `memstat run -- PROGRAM ARGS...` to report on any dynamically linked program.
            """,
        subcommands: [Summary.self, Arenas.self, Bins.self, Config.self, Run.self, DemoCommand.self, Diff.self],
        defaultSubcommand: Summary.self)

    /// Parses and runs; usage errors exit with status 2 (as the shell's
    /// builtins and most Unix tools do), not ArgumentParser's 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Totals, fragmentation, arenas and the size classes holding the most bytes.")
    @OptionGroup var options: ReportOptions

    func run() throws {
        try emit(Report.summary(try AllocatorSnapshot.current(), source: .currentProcess()), json: options.json)
    }
}

struct Arenas: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every arena in use, and all of them merged.")
    @OptionGroup var options: ReportOptions

    func run() throws {
        try emit(Report.arenas(try AllocatorSnapshot.current(), source: .currentProcess()), json: options.json)
    }
}

struct Bins: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The small size classes (bins) and large classes in use, of one arena or all.")
    @Option(help: "The arena to show (default: all arenas merged).")
    var arena: Int?
    @OptionGroup var options: ReportOptions

    func run() throws {
        do {
            try emit(try Report.bins(try AllocatorSnapshot.current(), arena: arena, source: .currentProcess()),
                     json: options.json)
        } catch let error as UnknownArena {
            throw ValidationError(error.description)
        }
    }
}

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "jemalloc's version, build configuration and the options in force.")
    @OptionGroup var options: ReportOptions

    func run() throws {
        try emit(Report.config(try AllocatorSnapshot.current(), source: .currentProcess()), json: options.json)
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Python's memory management, step by step, on a managed heap: start here.")
    @OptionGroup var options: ReportOptions

    func run() throws {
        var report = Report(kind: .demo, source: .currentProcess(), allocator: try .current())
        report.demo = try Demo.run()
        try emit(report, json: options.json)
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two heap snapshots, or two memstat reports (the --json of summary or run).",
        discussion: """
            Heap snapshots are the JSON of Reclaim's HeapSnapshot (schema \(HeapSnapshot.schemaName)): \
            the per-type changes are listed largest first. Two memstat reports compare totals, \
            arenas and size classes. Exit 2: a file cannot be read; 1: its content cannot be compared.
            """)
    @OptionGroup var options: ReportOptions
    @Argument(help: "The older document.") var older: String
    @Argument(help: "The newer document.") var newer: String

    func validate() throws {
        for path in [older, newer] where !FileManager.default.isReadableFile(atPath: path) {
            throw ValidationError("cannot read '\(path)': no such file, or not readable")
        }
    }

    func run() throws {
        func load(_ path: String) throws -> ComparableDocument {
            do {
                return try ComparableDocument.decode(try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch let error as ComparableDocument.Unrecognised {
                complain("\(path): \(error.reason)")
                throw ExitCode(1)
            }
        }
        let documents = (try load(older), try load(newer))
        do {
            let report = try Report.diff(documents.0, documents.1, files: [older, newer], allocator: try .current())
            try emit(report, json: options.json)
        } catch let error as ComparisonError {
            complain(error.description)
            throw ExitCode(1)
        }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a program with jemalloc preloaded and report its allocator at exit.",
        discussion: """
            The program's stdout and stderr pass through untouched and its exit status \
            becomes memstat's. Exit 127: program not found; 126: not executable; \
            128+N: killed by signal N.
            """)
    @OptionGroup var options: ReportOptions
    @Option(help: ArgumentHelp(
        "Also record allocated/active/resident every BYTES allocated (jemalloc's stats_interval); K, M, G suffixes allowed.",
        valueName: "BYTES"))
    var interval: String?
    @Argument(parsing: .captureForPassthrough, help: "The program and its arguments, after --.")
    var command: [String] = []

    /// The command without a leading `--`.
    var program: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

    func validate() throws {
        guard !program.isEmpty else { throw ValidationError("Missing the program to run: memstat run -- PROGRAM ARGS...") }
        if let interval, Run.parseBytes(interval) == nil {
            throw ValidationError("--interval wants a positive byte count such as 1048576 or 1M, not '\(interval)'")
        }
    }

    static func parseBytes(_ text: String) -> Int? {
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(text.uppercased())
        var multiplier = 1
        if let last = digits.last, let factor = multipliers[last] {
            multiplier = factor
            digits = digits.dropLast()
        }
        guard let value = Int(digits), value > 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }

    func run() throws {
        let command = program
        do {
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0]
            let libraries = try ProgramRun.locateLibraries(executable: executable)
            let outcome = try ProgramRun(command: command, interval: interval.flatMap(Run.parseBytes),
                                         jemallocLibrary: libraries.jemalloc, preloadLibrary: libraries.preload).run()
            let source = Report.Source(process: .program, pid: outcome.pid, command: command,
                                       exitStatus: outcome.exitStatus, elapsedSeconds: outcome.elapsedSeconds)
            var report = Report.summary(outcome.final, source: source, kind: .run)
            if interval != nil { report.series = outcome.series }
            try emit(report, json: options.json)
            throw ExitCode(outcome.exitStatus)
        } catch let failure as ProgramRun.Failure {
            complain(failure.description)
            throw ExitCode(failure.exitStatus)
        }
    }
}

Memstat.main()
