import BenchmarkSupport
import Foundation

/// Suite `programs`: whole programs, each run the way its platform's
/// programmer would write it, in a process of its own so that peak
/// resident memory is the program's — on Reclaim (automatic collection on,
/// as a runtime runs) and in Swift with ARC by `reclaim-programs` (see
/// `Benchmarks/reclaim-programs`, which says what each program does), and
/// the same programs in python3, written here.
///
/// Every implementation's every run must print the same checksum; the
/// suite exits 1 when they differ or one could not run.
enum ProgramsSuite {
    enum Program: String, CaseIterable {
        case binaryTrees = "binary-trees", records, longLived = "long-lived"
    }

    /// What one program's size is.
    struct Size {
        var depth: Int
        var operations: Int
        var window: Int
        var live: Int

        func describe(_ program: Program) -> String {
            switch program {
            case .binaryTrees: return "depth \(depth)"
            case .records: return "\(operations) ops, window \(window)"
            case .longLived: return "\(live) live, \(operations) rings"
            }
        }
    }

    /// What one run of one program measured (`BenchmarkSupport`, shared with the child).
    typealias Figures = ProgramFigures

    static let implementations = ["reclaim", "swift-arc", "cpython"]

    // MARK: CPython

    /// What python3 scripts time and print, in the same way: `body`
    /// (which sets `checksum`) between two clock reads, with the
    /// collections counted and timed by generation through `gc.callbacks`.
    /// `tracing` runs python3 with `tracemalloc` on, to report the peak of
    /// its traced memory (`--trace-cpython`): its time and resident memory
    /// are then not comparable, as tracing costs both.
    static func runInCPython(_ program: Program, prelude: String, body: String, tracing: Bool) -> Figures? {
        let script = """
            import gc, sys, time
            sys.setrecursionlimit(10000)
            \(CPython.peakResidentFunction)
            \(prelude)
            totals = [0, 0.0, 0.0]
            by_generation = [0.0, 0.0, 0.0]
            def callback(phase, info):
                if phase == 'start':
                    totals[2] = time.perf_counter()
                else:
                    totals[0] += 1
                    elapsed = time.perf_counter() - totals[2]
                    totals[1] += elapsed
                    by_generation[info['generation']] += elapsed
            gc.callbacks.append(callback)
            \(tracing ? "import tracemalloc; tracemalloc.start()" : "")
            t0 = time.perf_counter()
            \(body)
            seconds = time.perf_counter() - t0
            gc.callbacks.remove(callback)
            rss = peak_resident_mib()
            traced = tracemalloc.get_traced_memory()[1] / 1048576 if \(tracing ? "True" : "False") else -1
            print(seconds, rss, totals[0], totals[1], checksum, *by_generation, traced)
            """
        let fields = CPython.numbers(printedBy: script)
        guard fields.count == 9 else { return nil }
        return Figures(program: program.rawValue, implementation: "cpython", seconds: fields[0], peakResidentMiB: fields[1],
                       dataPeakMiB: fields[8] >= 0 ? fields[8] : nil,
                       collections: Int(fields[2]), collectorSeconds: fields[3], secondsByGeneration: Array(fields[5...7]),
                       checksum: Int(fields[4]))
    }

    static func binaryTreesScript(depth maxDepth: Int) -> (prelude: String, body: String) {
        (prelude: """
            class Node:
                __slots__ = ('left', 'right', 'parent')
                def __init__(self, parent):
                    self.left = None
                    self.right = None
                    self.parent = parent
            def make(depth, parent):
                node = Node(parent)
                if depth > 0:
                    node.left = make(depth - 1, node)
                    node.right = make(depth - 1, node)
                return node
            def check(node):
                return 1 if node.left is None else 1 + check(node.left) + check(node.right)
            max_depth = \(maxDepth)
            """, body: """
            checksum = check(make(max_depth + 1, None))
            long_lived = make(max_depth, None)
            for depth in range(4, max_depth + 1, 2):
                for _ in range(1 << (max_depth - depth + 4)):
                    checksum += check(make(depth, None))
            checksum += check(long_lived)
            """)
    }

    // MARK: records

    static func recordsScript(operations: Int, window: Int) -> (prelude: String, body: String) {
        (prelude: """
            class Item:
                __slots__ = ('value', 'owner')
            operations, window = \(operations), \(window)
            """, body: """
            slots = []
            for index in range(operations):
                items = []
                for offset in range(3):
                    member = Item()
                    member.value = index + offset
                    items.append(member)
                record = {'id': index, 'items': items}
                if index % 4 == 0:
                    for member in items:
                        member.owner = record
                if index < window:
                    slots.append(record)
                else:
                    slots[index % window] = record
            checksum = sum(len(r['items']) + r['items'][0].value for r in slots)
            """)
    }

    // MARK: long-lived

    static func longLivedScript(live: Int, operations: Int) -> (prelude: String, body: String) {
        (prelude: """
            class Node:
                __slots__ = ('up', 'other')
            live, operations = \(live), \(operations)
            """, body: """
            nodes = []
            for index in range(live):
                node = Node()
                if index > 0:
                    node.up = nodes[index // 2]
                nodes.append(node)
            rings = 0
            for _ in range(operations):
                first = Node(); second = Node()
                first.other = second
                second.other = first
                if first.other.other is first:
                    rings += 1
            del first, second
            checksum = len(nodes) + rings
            """)
    }

    // MARK: Running

    /// The child that runs the programs on Reclaim and in Swift with ARC,
    /// built beside this benchmark (`swift build -c release --product reclaim-programs`).
    static let childName = "reclaim-programs"

    /// One run of `program` on `implementation`, each in a process of its
    /// own: `reclaim-programs` for Reclaim and Swift ARC, python3 for CPython.
    static func measureInChild(_ program: Program, _ implementation: String, size: Size, tracingCPython: Bool) -> Figures? {
        if implementation == "cpython" {
            let script = switch program {
            case .binaryTrees: binaryTreesScript(depth: size.depth)
            case .records: recordsScript(operations: size.operations, window: size.window)
            case .longLived: longLivedScript(live: size.live, operations: size.operations)
            }
            return runInCPython(program, prelude: script.prelude, body: script.body, tracing: tracingCPython)
        }
        guard let child = ChildProcess.sibling(childName) else { return nil }
        let sizes: [String] = switch program {
        case .binaryTrees: ["--depth", String(size.depth)]
        case .records: ["--operations", String(size.operations), "--window", String(size.window)]
        case .longLived: ["--live", String(size.live), "--operations", String(size.operations)]
        }
        return ChildProcess.run([program.rawValue, implementation] + sizes, executable: child, decoding: Figures.self)
    }

    /// The suite: for each program, `runs` rounds, each running every
    /// implementation once in turn (so that the machine's drift falls on
    /// all alike), then each one's median, spread and ratios.
    static func run(programs: [Program], size: Size, runs: Int, implementations chosen: [String], tracingCPython: Bool,
                    table: Bool) {
        var failures: [String] = []
        defer {
            if !failures.isEmpty {
                FileHandle.standardError.write(Data(failures.map { "reclaim-bench: \($0)\n" }.joined().utf8))
                exit(1)
            }
        }
        guard chosen == ["cpython"] || ChildProcess.sibling(childName) != nil else {
            failures.append("\(childName) is not built beside reclaim-bench: swift build -c release --product \(childName)")
            return
        }
        if table {
            print("program       impl       size                           seconds (median, min–max of \(runs))   vs cpython  vs swift-arc  peak RSS MiB  data MiB  collections  gc s (young/middle/old)        checksum")
        }
        for program in programs {
            var results: [String: [Figures]] = [:]
            for _ in 0..<runs {
                for implementation in chosen {
                    guard let figures = measureInChild(program, implementation, size: size, tracingCPython: tracingCPython) else {
                        failures.append("\(program.rawValue) on \(implementation) did not run")
                        continue
                    }
                    results[implementation, default: []].append(figures)
                    if !table { print(ChildProcess.json(figures)) }
                }
            }
            if table { printTable(program, size: size, results: results, order: chosen) }
            let checksums = Set(results.values.joined().map(\.checksum))
            if checksums.count > 1 { failures.append("\(program.rawValue): the checksums differ: \(checksums.sorted())") }
        }
    }

    static func printTable(_ program: Program, size: Size, results: [String: [Figures]], order: [String]) {
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let medians = results.mapValues { median($0.map(\.seconds)) }
        for implementation in order {
            guard let runs = results[implementation], let seconds = medians[implementation] else { continue }
            let times = runs.map(\.seconds)
            let spread = "\(rounded(seconds, places: 3)) (\(rounded(times.min()!, places: 3))–\(rounded(times.max()!, places: 3)))"
            let versus = { (reference: String) in medians[reference].map { rounded(seconds / $0, places: 3) + "×" } ?? "-" }
            print(pad(program.rawValue, 14) + pad(implementation, 11) + pad(size.describe(program), 31) + pad(spread, 36)
                  + leftPad(versus("cpython"), 10) + leftPad(versus("swift-arc"), 14)
                  + leftPad(rounded(median(runs.map(\.peakResidentMiB)), places: 1), 14)
                  + leftPad(runs.allSatisfy { $0.dataPeakMiB != nil } ? rounded(median(runs.map { $0.dataPeakMiB! }), places: 1) : "-", 10)
                  + leftPad(String(runs[0].collections), 13) + "  "
                  + pad(rounded(median(runs.map(\.collectorSeconds)), places: 3)
                        + " (" + (0..<3).map { generation in rounded(median(runs.map { $0.secondsByGeneration[generation] }), places: 3) }
                        .joined(separator: "/") + ")", 30)
                  + " " + String(runs[0].checksum))
        }
    }
}
