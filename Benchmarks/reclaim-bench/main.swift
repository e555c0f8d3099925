import Reclaim
import ArgumentParser
import UsageExit
import Foundation

/// `reclaim-bench`: measures Reclaim side by side with its references in one
/// run. Build it in release mode:
///
///     swift run -c release reclaim-bench all --table
struct ReclaimBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reclaim-bench",
        abstract: "Side-by-side benchmarks of Reclaim against its references, as JSON lines or a table.")

    enum Suite: String, ExpressibleByArgument, CaseIterable {
        case alloc, stats, objects, gc, churn, programs, all
    }

    @Argument(help: "The suite to run: \(Suite.allCases.map(\.rawValue).joined(separator: ", ")).")
    var suite: Suite = .all

    @Option(help: "Operations per timed round (default 1,000,000); for the gc suite, nodes in each graph (default 100,000).")
    var n: Int?

    @Option(help: "Timed rounds per contender; the median is reported (default 21; 3 for the gc suite).")
    var rounds: Int?

    /// `--n`, or the default of every suite but `gc`.
    var size: Int { n ?? 1_000_000 }

    @Option(name: .customLong("case"), help: "Run only the case of this name.")
    var caseName: String?

    @Option(name: .customLong("impl"), help: "Run only the contender of this name, without its reference (for profilers and instruction counts).")
    var implementation: String?

    @Option(help: "gc suite: the graph shape (rings, tree, random; default all).")
    var shape: String?

    @Option(help: "gc suite: live or garbage (default both).")
    var state: String?

    @Option(help: "gc suite: rootfirst or rootlast, the order the graph is built in (default both).")
    var order: String?

    @Option(help: "gc suite: first or settled, the collection timed (default both).")
    var collection: String?

    @Flag(help: "gc suite: measure generation-0 pauses under churn over a live heap of --n objects instead.")
    var pauses = false

    @Option(help: "churn suite: operations (small structures made) after the live heap is settled.")
    var operations: Int = 1_000_000

    @Option(help: "churn suite: how many structures the sliding window keeps alive.")
    var window: Int = 20_000

    @Option(help: "churn suite: generational, incremental, or both (default both).")
    var mode: String?

    @Option(help: "churn suite: incremental pacing's pass growth (default the library's).")
    var passGrowth: Double?

    @Flag(help: "churn suite: run the one --mode here and print its figures (what the suite runs in its children).")
    var child = false

    @Option(help: "programs suite: the depth of binary-trees' long-lived tree.")
    var depth: Int = 16

    @Option(help: "programs suite: rounds, each running every implementation once.")
    var runs: Int = 3

    @Flag(name: .customLong("trace-cpython"), help: "programs suite: run python3 with tracemalloc, for the peak of its traced memory (its time and resident memory then mean little).")
    var traceCPython = false

    @Flag(help: "churn suite: leave out python3.")
    var noCPython = false

    @Flag(help: "Print a table with ratios instead of JSON lines.")
    var table = false

    func validate() throws {
        guard (n ?? 1) > 0, (rounds ?? 1) > 0 else { throw ValidationError("--n and --rounds must be positive") }
        guard operations > 0, window > 0 else { throw ValidationError("--operations and --window must be positive") }
        guard (4...24).contains(depth), runs > 0 else { throw ValidationError("--depth must be 4…24 and --runs positive") }
        if let implementation, suite == .programs, !ProgramsSuite.implementations.contains(implementation) {
            throw ValidationError("unknown implementation \(implementation) (\(ProgramsSuite.implementations.joined(separator: ", ")))")
        }
        if child && suite != .churn {
            throw ValidationError("--child is the churn suite's; the programs suite's child is reclaim-programs")
        }
        if traceCPython && suite != .programs { throw ValidationError("--trace-cpython is the programs suite's") }
        if let implementation, suite == .gc, implementation != "reclaim" {
            throw ValidationError("the gc suite runs --impl reclaim alone, or both sides without --impl")
        }
    }

    func run() throws {
        #if DEBUG
        FileHandle.standardError.write(Data("reclaim-bench: this is a debug build; figures mean little (use -c release)\n".utf8))
        #endif
        if suite == .programs {
            let programs = try caseName.map { name in
                guard let program = ProgramsSuite.Program(rawValue: name) else { throw ValidationError("unknown program \(name)") }
                return [program]
            } ?? ProgramsSuite.Program.allCases
            ProgramsSuite.run(programs: programs, size: .init(depth: depth, operations: operations, window: window, live: size), runs: runs,
                              implementations: implementation.map { [$0] } ?? ProgramsSuite.implementations,
                              tracingCPython: traceCPython, table: table)
            return
        }
        if suite == .churn {
            let modes: [CollectionMode] = try mode.map { name in
                guard let mode = CollectionMode(rawValue: name) else { throw ValidationError("unknown mode \(name)") }
                return [mode]
            } ?? [.generational, .incremental]
            ChurnSuite.run(live: size, operations: operations, window: window, modes: modes, child: child, table: table,
                           cpython: !noCPython && !child, passGrowth: passGrowth)
            return
        }
        if suite == .gc && pauses {
            print(GCSuite.pauses(live: size, churn: max(100_000, size)))
            return
        }
        if suite == .gc {
            func choices<Choice: RawRepresentable & CaseIterable>(_ name: String?, _ option: String) throws -> [Choice]
            where Choice.RawValue == String {
                guard let name else { return Array(Choice.allCases) }
                guard let choice = Choice(rawValue: name) else {
                    let known = Choice.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ValidationError("unknown --\(option) \(name) (\(known))")
                }
                return [choice]
            }
            var cases = GCSuite.Case.all(shapes: try choices(shape, "shape"), states: try choices(state, "state"),
                                         orders: try choices(order, "order"), collections: try choices(collection, "collection"))
            if let caseName {
                cases = cases.filter { $0.name == caseName }
                guard !cases.isEmpty else { throw ValidationError("unknown gc case \(caseName) (shape-state-order-collection)") }
            }
            let agree = GCSuite.run(n: n ?? 100_000, cases: cases, rounds: rounds ?? 3, table: table,
                                    reclaimOnly: implementation == "reclaim")
            if !agree { throw ExitCode(1) }
            return
        }
        var cases: [BenchmarkCase] = []
        if suite == .alloc || suite == .all { cases += AllocSuite.cases(n: size) }
        if suite == .stats || suite == .all { cases += StatsSuite.cases(n: size) }
        if suite == .objects || suite == .all { cases += ObjectsSuite.cases(n: size) }
        if let caseName { cases = cases.filter { $0.name == caseName } }
        if let implementation {
            for index in cases.indices {
                cases[index].contenders = cases[index].contenders.filter { $0.implementation == implementation }
            }
        }
        cases.removeAll { $0.contenders.isEmpty }
        var figures: [Figure] = []
        for benchmark in cases {
            let measured = measure(benchmark, rounds: rounds ?? 21)
            if !table { measured.forEach { print(jsonLine($0)) } }
            figures += measured
        }
        if table { print(renderTable(figures)) }
        if (suite == .objects || suite == .all) && caseName == nil {
            let sizes = ObjectsSuite.sizeLines()
            if table {
                print("\nobject sizes in bytes (reclaim / cpython sys.getsizeof)")
                for pair in stride(from: 0, to: sizes.count - 1, by: 2) {
                    let name = sizes[pair].split(separator: "\"")[7]
                    let ours = sizes[pair].split(separator: ":").last!.dropLast()
                    let theirs = sizes[pair + 1].split(separator: ":").last!.dropLast()
                    print("  \(pad(String(name), 26)) \(leftPad(String(ours), 4)) / \(leftPad(String(theirs), 4))")
                }
            } else {
                sizes.forEach { print($0) }
            }
        }
    }
}

/// `{"suite":…,"case":…,"impl":…,"n":…,"ns_per_op":…}`, plus the reference
/// and ratio for all but the reference.
func jsonLine(_ figure: Figure) -> String {
    var fields = [
        "\"suite\":\"\(figure.suite)\"", "\"case\":\"\(figure.name)\"", "\"impl\":\"\(figure.implementation)\"",
        "\"n\":\(figure.n)", "\"ns_per_op\":\(rounded(figure.nanosecondsPerOperation))",
    ]
    if let reference = figure.reference, let ratio = figure.ratio {
        fields += ["\"reference\":\"\(reference)\"", "\"ratio\":\(rounded(ratio, places: 3))"]
    }
    return "{" + fields.joined(separator: ",") + "}"
}

func rounded(_ value: Double, places: Int = 2) -> String {
    String(format: "%.\(places)f", value)
}

func renderTable(_ figures: [Figure]) -> String {
    var lines = ["suite   case                impl                     ns/op     vs reference"]
    for figure in figures {
        let ratio = figure.ratio.map { "\(rounded($0, places: 3))× \(figure.reference!)" } ?? "(reference)"
        lines.append(pad(figure.suite, 8) + pad(figure.name, 20) + pad(figure.implementation, 20)
                     + leftPad(rounded(figure.nanosecondsPerOperation), 10) + "     " + ratio)
    }
    return lines.joined(separator: "\n")
}

func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(1, width - text.count)) }
func leftPad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }

ReclaimBench.mainExitingTwoOnUsageError()
