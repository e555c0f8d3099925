import Foundation
import Reclaim
import ReclaimModelCheck
import ReclaimDifferential
import ReclaimFuzzing

/// `reclaim-stress`: the heavy runs the tests do at a smaller size.
///
///     swift run -c release reclaim-stress chain [LENGTH]    a chain of instances (default 10,000,000)
///     swift run -c release reclaim-stress nesting [DEPTH]   lists nested in lists (default 1,000,000)
///     swift run -c release reclaim-stress model [SEEDS] [STEPS]
///                                   the model-based check of heap and collector
///     swift run -c release reclaim-stress differential [PROGRAMS] [LENGTH]
///                                   random programs run by python3 and by Reclaim, outputs compared
///     swift run -c release reclaim-stress model-incremental [SEEDS] [STEPS]
///                                   the same with incremental steps instead of full collections
///                                   (default 100 seeds × 100,000 steps; even
///                                   seeds use objects without finalizers)
///     swift run -c release reclaim-stress fuzz-seeds DIR
///                                   writes the fuzzers' starting inputs to DIR/<target>/
///                                   (the repository's are in Fuzz/Corpus)
///
/// Each builds the structure on a thread with a 256 KiB stack, drops it,
/// and checks that every object was freed; the exit status is 0 when so.
func runOnSmallStack(_ body: @escaping @Sendable () -> Bool) -> Bool {
    final class Outcome: @unchecked Sendable { var ok = false }
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        outcome.ok = body()
        done.signal()
    }
    thread.stackSize = 256 << 10
    thread.start()
    done.wait()
    return outcome.ok
}

func chain(_ length: Int) -> Bool {
    runOnSmallStack {
        let heap = try! Heap()
        let node = ObjectType.makeClass("Node", attributes: ["next"])
        let start = Date()
        var head = try! heap.instance(of: node)
        for _ in 1..<length {
            let new = try! heap.instance(of: node)
            try! new.setAttribute(slot: 0, to: head)
            head = new
        }
        let built = Date()
        print("chain: built \(length) instances in \(String(format: "%.2f", built.timeIntervalSince(start))) s, "
              + "\(heap.liveBlockBytes >> 20) MiB live")
        _ = consume head
        let freed = Date()
        let left = heap.liveObjectCount(of: node)
        print("chain: destroyed in \(String(format: "%.2f", freed.timeIntervalSince(built))) s; \(left) left")
        return left == 0
    }
}

func nesting(_ depth: Int) -> Bool {
    runOnSmallStack {
        let heap = try! Heap()
        var outer = try! heap.list()
        for _ in 1..<depth {
            let wrapper = try! heap.list()
            try! wrapper.append(outer)
            outer = wrapper
        }
        _ = consume outer
        let left = heap.liveObjectCount(of: .list)
        print("nesting: \(depth) nested lists destroyed; \(left) left")
        return left == 0
    }
}

func model(seeds: Int, steps: Int, incremental: Bool) -> Bool {
    var total = ModelCheck.Summary()
    for seed in 1...UInt64(max(1, seeds)) {
        do {
            // Odd seeds with finalizers, even seeds without (the collector's hold-free path).
            var check = try ModelCheck(seed: seed, finalizers: seed % 2 == 1, incremental: incremental)
            let summary = try check.run(steps: steps)
            total.steps += summary.steps
            total.collections += summary.collections
            total.created += summary.created
            total.finalized += summary.finalized
            total.resurrected += summary.resurrected
            total.weakReferences += summary.weakReferences
            total.callbacks += summary.callbacks
            total.freezes += summary.freezes
        } catch {
            print("model: \(error)")
            return false
        }
    }
    print("model\(incremental ? " (incremental steps)" : ""): \(seeds) seeds, \(total.steps) steps, \(total.created) objects, \(total.collections) collections, "
          + "\(total.finalized) finalized, \(total.resurrected) resurrected, \(total.weakReferences) weak references "
          + "(\(total.callbacks) callbacks), \(total.freezes) freezes: heap and model agree")
    return true
}

/// Runs `programs` random programs (seeds 1…) with python3 and with Reclaim
/// and compares what they print; stops at the first difference, shrunk.
func differential(programs: Int, length: Int) -> Bool {
    let started = Date()
    for seed in 1...UInt64(max(1, programs)) {
        var generator = ProgramGenerator(seed: seed)
        do {
            try Differential.check(generator.program(length: length), seed: seed)
        } catch {
            print("differential: \(error)")
            return false
        }
    }
    print("differential: \(programs) programs of \(length) statements, python3 and Reclaim printed the same, "
          + "in \(Int(Date().timeIntervalSince(started))) s")
    return true
}

/// Writes each fuzzer's seeds (``FuzzTarget/seeds()``) to `directory/<target>/<name>`.
func writeFuzzSeeds(to directory: String) -> Bool {
    do {
        for target in FuzzTarget.allCases {
            let folder = URL(fileURLWithPath: directory).appendingPathComponent(target.rawValue)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (name, bytes) in try target.seeds() {
                try Data(bytes).write(to: folder.appendingPathComponent(name))
            }
        }
        print("fuzz-seeds: written to \(directory)")
        return true
    } catch {
        print("fuzz-seeds: \(error)")
        return false
    }
}

let arguments = CommandLine.arguments.dropFirst()
let size = arguments.dropFirst().first.flatMap(Int.init)
switch arguments.first {
case "chain": exit(chain(size ?? 10_000_000) ? 0 : 1)
case "nesting": exit(nesting(size ?? 1_000_000) ? 0 : 1)
case "differential":
    let length = arguments.dropFirst(2).first.flatMap(Int.init)
    exit(differential(programs: size ?? 1000, length: length ?? 60) ? 0 : 1)
case "model", "model-incremental":
    let steps = arguments.dropFirst(2).first.flatMap(Int.init)
    exit(model(seeds: size ?? 100, steps: steps ?? 100_000, incremental: arguments.first == "model-incremental") ? 0 : 1)
case "fuzz-seeds" where arguments.count == 2:
    exit(writeFuzzSeeds(to: arguments.last!) ? 0 : 1)
default:
    FileHandle.standardError.write(Data(("usage: reclaim-stress chain [LENGTH] | nesting [DEPTH] | model [SEEDS] [STEPS]"
                                         + " | model-incremental [SEEDS] [STEPS] | differential [PROGRAMS] [LENGTH]"
                                         + " | fuzz-seeds DIR\n").utf8))
    exit(2)
}
