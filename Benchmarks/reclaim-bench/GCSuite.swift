import Foundation
import Reclaim

/// Suite `gc`: one full collection over graphs of N tracked containers,
/// Reclaim against CPython (python3, run by this command on the same
/// graphs). Only the collection is timed, never the building.
///
/// Shapes: `rings` (rings of 10 nodes, 1 slot each), `tree` (a complete
/// binary tree, slots left/right/parent), `random` (2 slots each pointing at
/// uniformly random nodes from a fixed-seed generator both sides share, all
/// nodes held by one list). States: `live` (a root is held during the
/// collection) and `garbage` (the root is dropped first, so reference
/// counting frees what it can, then one collection reclaims the rest,
/// freeing included).
enum GCSuite {
    enum Shape: String, CaseIterable { case rings, tree, random }
    enum State: String, CaseIterable { case live, garbage }

    /// The generator both sides use: 64-bit LCG, high bits.
    struct Generator {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        mutating func next(below bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    struct Result {
        var nanosecondsPerObject: Double
        var found: Int
    }

    static let node = ObjectType.makeClass("Node", attributes: ["a", "b", "c"])

    /// Builds the shape on a fresh heap; returns the heap and the root.
    static func build(_ shape: Shape, n: Int) -> (Heap, RawRef) {
        let heap = try! Heap()
        heap.collector.isEnabled = false
        var nodes: [RawRef] = []
        nodes.reserveCapacity(n)
        for _ in 0..<n { nodes.append(try! heap.allocateObject(of: node)) }
        let root: RawRef
        switch shape {
        case .rings:
            for start in stride(from: 0, to: n, by: 10) {
                let end = min(start + 10, n)
                for index in start..<end { nodes[index].setSlot(0, to: nodes[index + 1 < end ? index + 1 : start]) }
            }
            let holder = try! heap.list(capacity: (n + 9) / 10).takeRaw()
            for start in stride(from: 0, to: n, by: 10) { try! heap.withBorrowed(holder) { try! $0.append(Ref(retaining: nodes[start], heap: heap)) } }
            root = holder
        case .tree:
            for index in 1..<n {
                let parent = (index - 1) / 2
                nodes[parent].setSlot(index % 2 == 1 ? 0 : 1, to: nodes[index])
                nodes[index].setSlot(2, to: nodes[parent])
            }
            nodes[0].retain()
            root = nodes[0]
        case .random:
            var generator = Generator()
            for index in 0..<n {
                nodes[index].setSlot(0, to: nodes[generator.next(below: n)])
                nodes[index].setSlot(1, to: nodes[generator.next(below: n)])
            }
            let holder = try! heap.list(capacity: n).takeRaw()
            for object in nodes { try! heap.withBorrowed(holder) { try! $0.append(Ref(retaining: object, heap: heap)) } }
            root = holder
        }
        for object in nodes { object.release() }   // the nodes now live through the graph
        return (heap, root)
    }

    static func measureReclaim(_ shape: Shape, _ state: State, n: Int) -> Result {
        let (heap, root) = build(shape, n: n)
        if state == .garbage { root.release() }
        let start = nowNanoseconds()
        let found = heap.collector.collect()
        let elapsed = Double(nowNanoseconds() - start)
        if state == .live { root.release() }
        heap.destroy()
        return Result(nanosecondsPerObject: elapsed / Double(n), found: found)
    }

    static func measureCPython(_ shape: Shape, _ state: State, n: Int) -> Result {
        let script = """
            import gc, time
            gc.disable()
            class Node:
                __slots__ = ('a', 'b', 'c')
            state = 0x2545F4914F6CDD1D
            def next_below(bound):
                global state
                state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
                return (state >> 33) % bound
            n = \(n)
            nodes = [Node() for _ in range(n)]
            shape = "\(shape.rawValue)"
            if shape == "rings":
                for start in range(0, n, 10):
                    end = min(start + 10, n)
                    for i in range(start, end):
                        nodes[i].a = nodes[i + 1 if i + 1 < end else start]
                root = [nodes[s] for s in range(0, n, 10)]
            elif shape == "tree":
                for i in range(1, n):
                    p = (i - 1) // 2
                    if i % 2 == 1:
                        nodes[p].a = nodes[i]
                    else:
                        nodes[p].b = nodes[i]
                    nodes[i].c = nodes[p]
                root = nodes[0]
            else:
                for i in range(n):
                    nodes[i].a = nodes[next_below(n)]
                    nodes[i].b = nodes[next_below(n)]
                root = list(nodes)
            del nodes
            gc.collect()  # not timed: settles the generations of the build
            if "\(state.rawValue)" == "garbage":
                del root
            t0 = time.perf_counter_ns()
            found = gc.collect()
            t1 = time.perf_counter_ns()
            print((t1 - t0) / n, found)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return Result(nanosecondsPerObject: .nan, found: -1) }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let fields = String(decoding: output, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2, let ns = Double(fields[0]), let found = Int(fields[1]) else {
            return Result(nanosecondsPerObject: .nan, found: -1)
        }
        return Result(nanosecondsPerObject: ns, found: found)
    }

    /// Runs every requested case, `rounds` times each side, and prints the medians.
    /// With `reclaimOnly`, CPython is not run (for profilers and instruction counts).
    static func run(n: Int, shapes: [Shape], states: [State], rounds: Int, table: Bool, reclaimOnly: Bool = false) {
        if reclaimOnly {
            for shape in shapes {
                for state in states {
                    let result = median((0..<rounds).map { _ in measureReclaim(shape, state, n: n) })
                    print("{\"suite\":\"gc\",\"case\":\"\(shape.rawValue)-\(state.rawValue)\",\"impl\":\"reclaim\",\"n\":\(n),"
                          + "\"ns_per_obj\":\(rounded(result.nanosecondsPerObject)),\"found\":\(result.found)}")
                }
            }
            return
        }
        if table { print("case            impl         n          ns/obj      found   vs cpython") }
        for shape in shapes {
            for state in states {
                var ours: [Result] = [], theirs: [Result] = []
                for _ in 0..<rounds {
                    ours.append(measureReclaim(shape, state, n: n))
                    theirs.append(measureCPython(shape, state, n: n))
                }
                let a = median(ours), b = median(theirs)
                let name = "\(shape.rawValue)-\(state.rawValue)"
                if table {
                    print(pad(name, 16) + pad("cpython", 13) + pad(String(n), 11) + leftPad(rounded(b.nanosecondsPerObject), 10)
                          + leftPad(String(b.found), 11))
                    print(pad(name, 16) + pad("reclaim", 13) + pad(String(n), 11) + leftPad(rounded(a.nanosecondsPerObject), 10)
                          + leftPad(String(a.found), 11) + "   " + rounded(a.nanosecondsPerObject / b.nanosecondsPerObject, places: 3) + "×")
                } else {
                    for (impl, result) in [("cpython", b), ("reclaim", a)] {
                        print("{\"suite\":\"gc\",\"case\":\"\(name)\",\"impl\":\"\(impl)\",\"n\":\(n),"
                              + "\"ns_per_obj\":\(rounded(result.nanosecondsPerObject)),\"found\":\(result.found)}")
                    }
                }
            }
        }
    }

    static func median(_ results: [Result]) -> Result {
        results.sorted { $0.nanosecondsPerObject < $1.nanosecondsPerObject }[results.count / 2]
    }
}

extension GCSuite {
    /// Generation-0 pauses under steady churn over a live heap of `live`
    /// objects (a random graph kept by one list): `churn` small lists are
    /// allocated and dropped, a fifth of them in self-cycles, with automatic
    /// collection on; every generation-0 collection's duration is recorded.
    static func pauses(live: Int, churn: Int) -> String {
        let (heap, root) = build(.random, n: live)
        heap.collector.collect()   // settle the live heap into generation 2, as automatic collection would have
        heap.collector.isEnabled = true
        var durations: [Double] = []
        var collections = [0, 0, 0]
        heap.collector.callbacks.append { phase, info in
            guard phase == .stop else { return }
            collections[info.generation] += 1
            if info.generation == 0 { durations.append(info.duration) }
        }
        for index in 0..<churn {
            let list = try! heap.list()
            if index % 5 == 0 { try! list.append(list) }
        }
        root.release()
        heap.destroy()
        durations.sort()
        func percentile(_ p: Double) -> Double {
            durations.isEmpty ? .nan : durations[min(durations.count - 1, Int(Double(durations.count) * p))] * 1e6
        }
        return "{\"suite\":\"gc\",\"case\":\"gen0-pauses\",\"impl\":\"reclaim\",\"n\":\(live),\"churn\":\(churn),"
            + "\"collections\":[\(collections.map(String.init).joined(separator: ","))],"
            + "\"p50_us\":\(rounded(percentile(0.5))),\"p99_us\":\(rounded(percentile(0.99))),"
            + "\"max_us\":\(rounded(durations.last.map { $0 * 1e6 } ?? .nan))}"
    }
}
