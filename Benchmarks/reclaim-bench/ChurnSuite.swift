import BenchmarkSupport
import Foundation
import Jemalloc
import Reclaim

/// Suite `churn`: the collector's pauses, time and memory under a program
/// that keeps making garbage over a settled live heap — the measure of
/// incremental collection against generational, and of both against
/// CPython on the same workload.
///
/// The live heap is the `gc` suite's random graph of N nodes, settled by one
/// whole collection. Then each operation makes a small structure (by turns:
/// a node in a self-cycle, a ring of 2, a chain of 3 — acyclic — and a ring
/// of 4) and stores it in a sliding window of `window` slots, replacing the
/// structure made `window` operations earlier, which dies: long enough to
/// be promoted into the old generation first, so the old generation keeps
/// receiving cyclic garbage.
///
/// Each mode runs in a child process of its own (so that peak resident
/// memory is the mode's), then python3 runs the same workload.
enum ChurnSuite {
    static let churnNode = ObjectType.makeClass("Churn", attributes: ["next"])

    /// What one run measured.
    struct Figures: Codable {
        var implementation: String
        var live: Int
        var operations: Int
        /// Collector pauses, in microseconds: for each operation during
        /// which the collector ran, the durations its callbacks reported
        /// (a young collection and the increment after it are one pause).
        var pauseP50: Double
        var pauseP99: Double
        var pauseMax: Double
        var pauses: Int
        /// The longest operation the program saw while the collector ran,
        /// allocation and the system's own delays (page faults) included.
        var observedMax: Double
        /// Seconds the collector ran in all (its callbacks' durations).
        var collectorSeconds: Double
        /// The process's peak resident memory, MiB.
        var peakResidentMiB: Double
        /// The most churn objects dead but not yet freed at once (sampled
        /// every 1,000 operations), and as bytes; -1 where not measured.
        var peakGarbageObjects: Int
        var peakGarbageBytes: Int
        /// Operations per second of the churn loop, collection included.
        var operationsPerSecond: Double
        var wholeCollections: Int
        var increments: Int
        var passes: Int
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    /// The workload on Reclaim in `mode`, in this process.
    static func measureReclaim(mode: CollectionMode, live: Int, operations: Int, window: Int,
                               passGrowth: Double?) -> Figures {
        let (heap, root) = GCSuite.build(.random, n: live)
        heap.collector.collect()
        heap.collector.mode = mode
        if let passGrowth { heap.collector.pacing.passGrowth = passGrowth }
        heap.collector.isEnabled = true
        let trace = ProcessInfo.processInfo.environment["RECLAIM_CHURN_TRACE"] != nil
        nonisolated(unsafe) var collections = 0, whole = 0, increments = 0
        nonisolated(unsafe) var collectorSeconds = 0.0, pauseSeconds = 0.0
        heap.collector.callbacks.append { phase, info in
            guard phase == .stop else { return }
            collections += 1
            collectorSeconds += info.duration
            pauseSeconds += info.duration
            if trace && info.duration > 0.0005 {
                FileHandle.standardError.write(Data("\(info.isIncrement ? "increment" : "generation \(info.generation)") \(info.candidates) candidates, \(info.collected) collected, \(Int(info.duration * 1e6)) µs\n".utf8))
            }
            if info.isIncrement { increments += 1 } else if info.generation == 2 { whole += 1 }
        }
        let nodeBytes = heap.introspection.sizeOf(try! heap.instance(of: churnNode)).real
        let slots = try! heap.list(capacity: window)
        var nodesInSlot = [Int](repeating: 0, count: window)
        var nodesInWindow = 0
        var pauses: [Double] = []
        var observedMax = 0.0
        var peakGarbage = 0
        let started = nowNanoseconds()
        for index in 0..<operations {
            let before = collections
            pauseSeconds = 0
            let t0 = nowNanoseconds()
            let kind = index % 4
            let length = kind + 1
            let first = try! heap.instance(of: churnNode)
            var last = first.raw
            for _ in 1..<length {
                let next = try! heap.instance(of: churnNode)
                last.setSlot(0, to: next.raw)
                last = next.raw
            }
            if kind != 2 { last.setSlot(0, to: first.raw) }
            let t1 = nowNanoseconds()
            if collections != before {
                pauses.append(pauseSeconds * 1e6)
                observedMax = max(observedMax, Double(t1 - t0) / 1e3)
            }
            let slot = index % window
            if index < window { try! slots.append(first) } else { try! slots.setItem(at: slot, to: first) }
            nodesInWindow += length - nodesInSlot[slot]
            nodesInSlot[slot] = length
            if index % 1_000 == 0 {
                peakGarbage = max(peakGarbage, heap.liveObjectCount(of: churnNode) - nodesInWindow)
            }
        }
        let elapsed = Double(nowNanoseconds() - started) / 1e9
        let progress = heap.collector.incrementalProgress
        if trace { FileHandle.standardError.write(Data("progress: \(progress), statistics \(heap.collector.statistics)\n".utf8)) }
        _ = consume slots
        root.release()
        heap.destroy()
        pauses.sort()
        return Figures(implementation: "reclaim-\(mode.rawValue)", live: live, operations: operations,
                       pauseP50: percentile(pauses, 0.5), pauseP99: percentile(pauses, 0.99),
                       pauseMax: pauses.last ?? 0, pauses: pauses.count, observedMax: observedMax,
                       collectorSeconds: collectorSeconds,
                       peakResidentMiB: ChildProcess.peakResidentMiB(), peakGarbageObjects: peakGarbage,
                       peakGarbageBytes: peakGarbage * nodeBytes, operationsPerSecond: Double(operations) / elapsed,
                       wholeCollections: whole, increments: increments, passes: progress.passes)
    }

    /// The workload in python3 (CPython's generational collector, pauses
    /// from `gc.callbacks`).
    static func measureCPython(live: Int, operations: Int, window: Int) -> Figures? {
        let script = """
            import gc, time
            \(CPython.peakResidentFunction)
            class Node:
                __slots__ = ('a', 'b', 'c')
            class Churn:
                __slots__ = ('next',)
            state = 0x2545F4914F6CDD1D
            def next_below(bound):
                global state
                state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
                return (state >> 33) % bound
            gc.disable()
            n = \(live)
            nodes = [Node() for _ in range(n)]
            for i in range(n):
                nodes[i].a = nodes[next_below(n)]
                nodes[i].b = nodes[next_below(n)]
            gc.collect()
            gc.enable()
            pauses = []
            total = [0.0, 0, 0]
            started = [0.0]
            def callback(phase, info):
                if phase == "start":
                    started[0] = time.perf_counter()
                else:
                    d = time.perf_counter() - started[0]
                    total[0] += d
                    pauses.append(d * 1e6)
                    if info["generation"] == 2:
                        total[1] += 1
            gc.callbacks.append(callback)
            window = \(window)
            slots = [None] * window
            ops = \(operations)
            t0 = time.perf_counter()
            for index in range(ops):
                kind = index % 4
                length = (1, 2, 3, 4)[kind]
                first = Churn()
                last = first
                for _ in range(1, length):
                    nxt = Churn()
                    last.next = nxt
                    last = nxt
                if kind != 2:
                    last.next = first
                slots[index % window] = first
            elapsed = time.perf_counter() - t0
            gc.callbacks.remove(callback)
            pauses.sort()
            def pct(p):
                return pauses[min(len(pauses) - 1, int(len(pauses) * p))] if pauses else 0.0
            rss = peak_resident_mib()
            print(pct(0.5), pct(0.99), pauses[-1] if pauses else 0.0, len(pauses), total[0], rss, ops / elapsed, total[1])
            """
        let fields = CPython.numbers(printedBy: script)
        guard fields.count == 8 else { return nil }
        return Figures(implementation: "cpython", live: live, operations: operations, pauseP50: fields[0],
                       pauseP99: fields[1], pauseMax: fields[2], pauses: Int(fields[3]), observedMax: -1,
                       collectorSeconds: fields[4],
                       peakResidentMiB: fields[5], peakGarbageObjects: -1, peakGarbageBytes: -1,
                       operationsPerSecond: fields[6], wholeCollections: Int(fields[7]), increments: 0, passes: 0)
    }

    /// Runs one mode in a child process of this benchmark (`--child`) and
    /// reads the figures it prints.
    static func measureInChild(mode: CollectionMode, live: Int, operations: Int, window: Int,
                               passGrowth: Double?) -> Figures? {
        ChildProcess.run(["churn", "--n", String(live), "--operations", String(operations),
                          "--window", String(window), "--mode", mode.rawValue, "--child"]
                         + (passGrowth.map { ["--pass-growth", String($0)] } ?? []), decoding: Figures.self)
    }

    /// The whole suite: each requested mode in a child, then CPython.
    static func run(live: Int, operations: Int, window: Int, modes: [CollectionMode], child: Bool, table: Bool,
                    cpython: Bool, passGrowth: Double?) {
        if child, let mode = modes.first {
            print(ChildProcess.json(measureReclaim(mode: mode, live: live, operations: operations, window: window,
                                      passGrowth: passGrowth)))
            return
        }
        var results: [Figures] = []
        for mode in modes {
            if let figures = measureInChild(mode: mode, live: live, operations: operations, window: window,
                                            passGrowth: passGrowth) {
                results.append(figures)
            }
        }
        if cpython, let figures = measureCPython(live: live, operations: operations, window: window) {
            results.append(figures)
        }
        guard table else {
            for figures in results { print(ChildProcess.json(figures)) }
            return
        }
        print("impl                    live   p50 µs   p99 µs   max µs  seen µs  pauses  gc s    peak RSS MiB  peak garbage  ops/s      whole  incr  passes")
        for f in results {
            print(pad(f.implementation, 20) + leftPad(String(f.live), 8) + leftPad(rounded(f.pauseP50, places: 1), 9)
                  + leftPad(rounded(f.pauseP99, places: 1), 9) + leftPad(rounded(f.pauseMax, places: 0), 9)
                  + leftPad(f.observedMax < 0 ? "-" : rounded(f.observedMax, places: 0), 9)
                  + leftPad(String(f.pauses), 8) + leftPad(rounded(f.collectorSeconds, places: 3), 7)
                  + leftPad(rounded(f.peakResidentMiB, places: 0), 14)
                  + leftPad(f.peakGarbageObjects < 0 ? "-" : String(f.peakGarbageObjects), 14)
                  + leftPad(String(Int(f.operationsPerSecond)), 11) + leftPad(String(f.wholeCollections), 7)
                  + leftPad(String(f.increments), 6) + leftPad(String(f.passes), 8))
        }
    }
}
