import ArgumentParser
import UsageExit
import Foundation
import Jemalloc
import MemstatKit
import Reclaim

/// Options every report takes.
struct ReportOptions: ParsableArguments {
    @Flag(help: "Print the report as JSON (schema reclaim.memstat/1, see docs/memstat-json.md).")
    var json = false
}

/// Prints `report` as text or JSON; `compact` JSON takes one line (for
/// streams of reports, as `top --json` prints).
func emit(_ report: Report, json: Bool, compact: Bool = false) throws {
    if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = compact ? [.sortedKeys, .withoutEscapingSlashes]
            : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
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
        subcommands: [Summary.self, Arenas.self, Bins.self, Config.self, Run.self, DemoCommand.self, Diff.self, Attach.self, Top.self, StressCommand.self],
        defaultSubcommand: Summary.self)
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
        let report = Report(source: .currentProcess(), allocator: try .current(), content: .demo(try Demo.run()))
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

/// The process id argument of `attach` and `top`.
struct ProcessArgument: ParsableArguments {
    @Argument(help: "The process to read: one that publishes its heaps (RECLAIM_PUBLISH=1 or StatisticsPublisher.start()).")
    var pid: Int32

    func validate() throws {
        guard pid > 0 else { throw ValidationError("PID must be a positive process id, not \(pid)") }
    }

    /// The process's figures, or a message and exit status 1.
    func read() throws -> PublishedStatistics {
        do {
            return try PublishedStatistics.read(pid: pid)
        } catch {
            complain(error.description)
            throw ExitCode(1)
        }
    }
}

struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the heap figures another process publishes, once.",
        discussion: """
            Reads /dev/shm/reclaim.PID, which a process linking Reclaim writes when started with \
            RECLAIM_PUBLISH=1 or after calling StatisticsPublisher.start(). Exit 1 when the process \
            does not exist, does not publish, or its figures are stale.
            """)
    @OptionGroup var process: ProcessArgument
    @OptionGroup var options: ReportOptions

    func run() throws {
        let published = try process.read()
        try emit(Report.published(published, content: .attach(published)), json: options.json)
    }
}

struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the heap figures another process publishes, refreshed until interrupted.",
        discussion: """
            With --json, prints one JSON document per refresh, one per line. Exit 1 when the process \
            does not exist, stops publishing or exits.
            """)
    @OptionGroup var process: ProcessArgument
    @OptionGroup var options: ReportOptions
    @Option(help: "Seconds between refreshes.") var interval: Double = 1
    @Option(help: "Stop after this many refreshes (default: until interrupted).") var count: Int?

    func validate() throws {
        guard interval > 0, interval <= 3600 else { throw ValidationError("--interval wants seconds in (0, 3600], not \(interval)") }
        if let count, count <= 0 { throw ValidationError("--count wants a positive number of refreshes, not \(count)") }
    }

    func run() throws {
        let terminal = isatty(STDOUT_FILENO) == 1 && !options.json
        var previous: PublishedStatistics?
        var frame = 0
        while count.map({ frame < $0 }) ?? true {
            if frame > 0 { usleep(useconds_t(interval * 1_000_000)) }
            let published = try process.read()
            var collectionRates: [String: Double] = [:]
            if let previous {
                let elapsed = max(1e-3, published.heartbeatAt - previous.heartbeatAt)
                let earlier = Dictionary(previous.heaps.map { ($0.heapID, $0) }, uniquingKeysWith: { first, _ in first })
                collectionRates = Dictionary(uniqueKeysWithValues: published.heaps.compactMap { heap in
                    earlier[heap.heapID].map { old in
                        (String(heap.heapID), Double(heap.collections.reduce(0, +) - old.collections.reduce(0, +)) / elapsed)
                    }
                })
            }
            let report = Report.published(published, content: .top(published, collectionRates: collectionRates))
            if options.json {
                try emit(report, json: true, compact: true)
            } else {
                let text = TextRenderer.render(report)
                FileHandle.standardOutput.write(Data(((terminal ? "\u{1B}[H\u{1B}[2J" : (frame > 0 ? "\n" : "")) + text).utf8))
            }
            previous = published
            frame += 1
        }
    }
}

struct StressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress",
        abstract: "Run an object workload on N heaps in N threads and check that nothing leaked.",
        discussion: """
            Each operation replaces or links objects of a heap's live set, makes a small cycle and \
            drops it, makes a weak reference, or churns short-lived containers. At the end every \
            heap drops everything and collects; exit 1 if any heap keeps an object or an arena byte \
            beyond its baseline. Progress goes to stderr (a bar on a terminal).
            """)
    @OptionGroup var options: ReportOptions
    @Option(help: "Heaps, each on its own thread (1-64).") var heaps = 2
    @Option(name: .customLong("objects"), help: "Live-set slots per heap.") var liveObjects = 20_000
    @Option(name: .customLong("cyclic"), help: "Share of operations that make cyclic garbage (0-1).") var cyclicShare = 0.2
    @Option(name: .customLong("finalizers"), help: "Share of new objects with a finalizer (0-1).") var finalizerShare = 0.1
    @Option(name: .customLong("weakrefs"), help: "Share of operations that make a weak reference (0-1).") var weakReferenceShare = 0.05
    @Option(help: "Operations per heap (default 200000 unless --duration is given).") var operations: Int?
    @Option(help: "Seconds to run instead of a number of operations.") var duration: Double?
    @Option(help: "Seed of the workload's random choices.") var seed: UInt64 = 1
    @Flag(help: "Publish the heaps' figures for memstat attach/top while running.") var publish = false
    @Flag(help: "No progress on stderr.") var quiet = false
    @Option(help: .hidden) var deliberateLeaks = 0

    var configuration: Stress.Configuration {
        var configuration = Stress.Configuration()
        configuration.heaps = heaps
        configuration.liveObjects = liveObjects
        configuration.cyclicShare = cyclicShare
        configuration.finalizerShare = finalizerShare
        configuration.weakReferenceShare = weakReferenceShare
        configuration.durationSeconds = duration
        configuration.operations = operations ?? (duration == nil ? 200_000 : nil)
        configuration.seed = seed
        configuration.deliberateLeaks = deliberateLeaks
        return configuration
    }

    func validate() throws {
        if operations != nil && duration != nil { throw ValidationError("give --operations or --duration, not both") }
        if let problem = configuration.problem { throw ValidationError(Self.usage(problem)) }
    }

    /// The library's reason, worded after this command's flags.
    static func usage(_ problem: Stress.ConfigurationError) -> String {
        switch problem {
        case .heaps(let count): return "--heaps wants 1 to 64 heaps, not \(count)"
        case .liveObjects(let count): return "--objects wants 1 to 10,000,000, not \(count)"
        case .share(let share, let value):
            let flag = switch share { case .cyclic: "--cyclic"; case .finalizers: "--finalizers"; case .weakReferences: "--weakrefs" }
            return "\(flag) wants a share between 0 and 1, not \(value)"
        case .cyclicAndWeakReferenceSharesExceedOne: return "--cyclic and --weakrefs add up to more than 1"
        case .operations(let count): return "--operations wants a positive count, not \(count)"
        case .duration(let seconds): return "--duration wants positive seconds, not \(seconds)"
        case .unbounded: return "give --operations or --duration"
        }
    }

    func run() throws {
        if publish {
            do {
                try StatisticsPublisher.start(interval: .milliseconds(250))
            } catch {
                complain(error.description)
                throw ExitCode(1)
            }
        }
        let terminal = isatty(STDERR_FILENO) == 1
        var lastLine = 0.0
        let result: Stress.Result
        do {
            result = try Stress.run(configuration, reportEvery: terminal ? 0.2 : 1) { progress in
                guard !quiet else { return }
                let line = "\(Units.bar(progress.fraction, width: 24)) \(Units.percent(progress.fraction))  "
                    + "\(Units.count(progress.operations)) ops  \(Units.count(progress.collections)) collections  "
                    + "resident \(Units.bytes(progress.resident))"
                if terminal {
                    FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
                } else if progress.elapsedSeconds - lastLine >= 1 {
                    lastLine = progress.elapsedSeconds
                    FileHandle.standardError.write(Data("memstat stress: \(line)\n".utf8))
                }
            }
        } catch let error as StressError {
            complain(error.description)
            throw ExitCode(1)
        }
        if terminal && !quiet { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let report = Report(source: .currentProcess(), allocator: try .current(), content: .stress(result))
        try emit(report, json: options.json)
        if result.leaked { throw ExitCode(1) }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a program with jemalloc preloaded and report its allocator at exit.",
        discussion: """
            The program's stdout and stderr pass through untouched and its exit status \
            becomes memstat's. Exit 127: program not found; 126: not executable; \
            128+N: killed by signal N. With --leaks the program runs under jemalloc's heap \
            profiling and the allocation sites still holding memory at exit are listed, \
            symbolised by jeprof (libjemalloc-dev; it needs binutils).
            """)
    @OptionGroup var options: ReportOptions
    @Option(help: ArgumentHelp(
        "Also record allocated/active/resident every BYTES allocated (jemalloc's stats_interval); K, M, G suffixes allowed.",
        valueName: "BYTES"))
    var interval: String?
    @Flag(help: "List the allocation sites still holding memory at exit (jemalloc heap profiling, jeprof).")
    var leaks = false
    @Option(help: ArgumentHelp("With --leaks: sample one allocation per 2^N bytes on average (0-30).", valueName: "N"))
    var lgSample = 12
    @Option(help: "With --leaks: how many allocation sites to list.")
    var top = 10
    @Argument(parsing: .captureForPassthrough, help: "The program and its arguments, after --.")
    var command: [String] = []

    /// The command without a leading `--`.
    var program: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

    func validate() throws {
        guard !program.isEmpty else { throw ValidationError("Missing the program to run: memstat run -- PROGRAM ARGS...") }
        guard (0...30).contains(lgSample) else { throw ValidationError("--lg-sample wants 0 to 30, not \(lgSample)") }
        guard top > 0 else { throw ValidationError("--top wants a positive number of sites, not \(top)") }
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
                                         jemallocLibrary: libraries.jemalloc, preloadLibrary: libraries.preload,
                                         profiling: leaks ? LeakProfiling(lgSample: lgSample, top: top) : nil).run()
            let source = Report.Source(process: .program, pid: outcome.pid, command: command,
                                       exitStatus: outcome.exitStatus, elapsedSeconds: outcome.elapsedSeconds)
            let series = interval != nil ? outcome.series : nil
            let report: Report
            if let found = outcome.leaks {
                // The leak report stays short: totals, then the sites.
                report = Report.leaks(outcome.final, source: source, leaks: found, series: series)
            } else {
                report = Report.run(outcome.final, source: source, series: series)
            }
            try emit(report, json: options.json)
            throw ExitCode(outcome.exitStatus)
        } catch let failure as ProgramRun.Failure {
            if case .missingTool(let what) = failure {
                complain("--leaks needs \(what), which is not on PATH")
            } else {
                complain(failure.description)
            }
            throw ExitCode(failure.exitStatus)
        }
    }
}

Memstat.mainExitingTwoOnUsageError()
