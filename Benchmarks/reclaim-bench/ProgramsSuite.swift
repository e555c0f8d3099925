import Foundation
import Reclaim

/// Suite `programs`: whole programs, each run the way its platform's
/// programmer would write it, in a process of its own so that peak
/// resident memory is the program's — on Reclaim (automatic collection on,
/// as a runtime runs), in python3, and in Swift with ARC.
///
/// `binary-trees` is the Computer Language Benchmarks Game's program with
/// a parent link in every node: a stretch tree of depth D+1, a long-lived
/// tree of depth D, then for each depth d = 4, 6, … D, 2^(D−d+4) trees of
/// depth d, each built, checked (its nodes counted) and dropped. On
/// Reclaim and in CPython every tree is a cycle (children and parent refer
/// to each other) that only the collector frees; in Swift the parent link
/// is `weak`, as a Swift programmer writes it, and ARC frees each tree
/// when it is dropped. The checksum (all nodes counted) must agree.
///
/// `records` is an interpreter's churn: each operation makes a record — a
/// dict holding an int and a list of three instances, each instance an
/// int value — and puts it in a sliding window, replacing the record made
/// a window earlier, which dies. A quarter of the records are cyclic:
/// their instances refer back to the record (in Swift, weakly). The
/// checksum sums the values left in the window.
///
/// `long-lived` keeps a heap of `live` objects for the whole program —
/// node i refers to node i/2, all held by one list — and makes a steady
/// trickle of cyclic garbage over it: each operation makes a ring of two
/// nodes, checks it is one, and drops it (in Swift one link of the ring
/// is `weak`). The checksum counts the nodes kept and the rings checked.
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

    /// What one run of one program measured.
    struct Figures: Codable {
        var program: String
        var implementation: String
        /// Wall time of the program, start-up excluded.
        var seconds: Double
        /// The process's peak resident memory, MiB.
        var peakResidentMiB: Double
        /// Collections and the time they took (0 for Swift ARC).
        var collections: Int
        var collectorSeconds: Double
        /// Collector seconds by generation collected (young, middle, old).
        var secondsByGeneration: [Double]
        var checksum: Int
    }

    /// A collector tally and this process's figures since `started`
    /// (on the monotonic clock): what each program in Swift returns.
    /// No tally, for Swift ARC, is no collections.
    static func figures(_ program: Program, _ implementation: String, started: UInt64, tally: CollectorTally?,
                        checksum: Int) -> Figures {
        Figures(program: program.rawValue, implementation: implementation,
                seconds: Double(nowNanoseconds() - started) / 1e9, peakResidentMiB: ChildProcess.peakResidentMiB(),
                collections: tally?.collections ?? 0, collectorSeconds: tally?.seconds ?? 0,
                secondsByGeneration: tally?.secondsByGeneration ?? [0, 0, 0], checksum: checksum)
    }

    static let implementations = ["reclaim", "swift-arc", "cpython"]

    // MARK: Reclaim

    static let treeNode = ObjectType.makeClass("TreeNode", attributes: ["left", "right", "parent"])

    /// A tree of `depth` under `parent`, returned owned (the unsafe layer,
    /// as an interpreter's inner loop uses it).
    static func makeTree(_ heap: Heap, depth: Int, parent: RawRef?) -> RawRef {
        let node = try! heap.allocateObject(of: treeNode)
        if let parent { node.setSlot(2, to: parent) }
        if depth > 0 {
            let left = makeTree(heap, depth: depth - 1, parent: node)
            node.setSlot(0, to: left)
            left.release()
            let right = makeTree(heap, depth: depth - 1, parent: node)
            node.setSlot(1, to: right)
            right.release()
        }
        return node
    }

    static func check(_ node: RawRef) -> Int {
        guard let left = node.slot(0), let right = node.slot(1) else { return 1 }
        return 1 + check(left) + check(right)
    }

    /// Collections a heap ran and the time they took, by generation, from
    /// a collection callback.
    final class CollectorTally {
        var collections = 0
        var seconds = 0.0
        var secondsByGeneration = [0.0, 0.0, 0.0]

        init(_ heap: Heap) {
            heap.collector.callbacks.append { [unowned self] phase, info in
                guard phase == .stop else { return }
                collections += 1
                seconds += info.duration
                secondsByGeneration[info.generation] += info.duration
            }
        }
    }

    static func binaryTreesOnReclaim(depth maxDepth: Int) -> Figures {
        let heap = try! Heap()
        let tally = CollectorTally(heap)
        let started = nowNanoseconds()
        var checksum = 0
        let stretch = makeTree(heap, depth: maxDepth + 1, parent: nil)
        checksum += check(stretch)
        stretch.release()
        let longLived = makeTree(heap, depth: maxDepth, parent: nil)
        for depth in stride(from: 4, through: maxDepth, by: 2) {
            for _ in 0..<(1 << (maxDepth - depth + 4)) {
                let tree = makeTree(heap, depth: depth, parent: nil)
                checksum += check(tree)
                tree.release()
            }
        }
        checksum += check(longLived)
        longLived.release()
        return figures(.binaryTrees, "reclaim", started: started, tally: tally, checksum: checksum)
    }

    // MARK: Swift ARC

    final class Node {
        var left: Node?
        var right: Node?
        weak var parent: Node?

        init(parent: Node?) { self.parent = parent }
    }

    static func makeTree(depth: Int, parent: Node?) -> Node {
        let node = Node(parent: parent)
        if depth > 0 {
            node.left = makeTree(depth: depth - 1, parent: node)
            node.right = makeTree(depth: depth - 1, parent: node)
        }
        return node
    }

    static func check(_ node: Node) -> Int {
        guard let left = node.left, let right = node.right else { return 1 }
        return 1 + check(left) + check(right)
    }

    static func binaryTreesWithARC(depth maxDepth: Int) -> Figures {
        let started = nowNanoseconds()
        var checksum = check(makeTree(depth: maxDepth + 1, parent: nil))
        let longLived = makeTree(depth: maxDepth, parent: nil)
        for depth in stride(from: 4, through: maxDepth, by: 2) {
            for _ in 0..<(1 << (maxDepth - depth + 4)) {
                checksum += check(makeTree(depth: depth, parent: nil))
            }
        }
        checksum += check(longLived)
        return figures(.binaryTrees, "swift-arc", started: started, tally: nil, checksum: checksum)
    }

    // MARK: CPython

    /// What python3 scripts time and print, in the same way: `body`
    /// (which sets `checksum`) between two clock reads, with the
    /// collections counted and timed by generation through `gc.callbacks`.
    static func runInCPython(_ program: Program, prelude: String, body: String) -> Figures? {
        let script = """
            import gc, resource, sys, time
            sys.setrecursionlimit(10000)
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
            t0 = time.perf_counter()
            \(body)
            seconds = time.perf_counter() - t0
            gc.callbacks.remove(callback)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(seconds, rss, totals[0], totals[1], checksum, *by_generation)
            """
        let fields = CPython.numbers(printedBy: script)
        guard fields.count == 8 else { return nil }
        return Figures(program: program.rawValue, implementation: "cpython", seconds: fields[0], peakResidentMiB: fields[1],
                       collections: Int(fields[2]), collectorSeconds: fields[3], secondsByGeneration: Array(fields[5...7]),
                       checksum: Int(fields[4]))
    }

    static func binaryTreesInCPython(depth maxDepth: Int) -> Figures? {
        runInCPython(.binaryTrees, prelude: """
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

    static let item = ObjectType.makeClass("Item", attributes: ["value", "owner"])

    static func recordsOnReclaim(operations: Int, window: Int) -> Figures {
        let heap = try! Heap()
        let tally = CollectorTally(heap)
        let idKey = try! heap.str("id"), itemsKey = try! heap.str("items")
        let started = nowNanoseconds()
        // Lists grow as they are filled, as Python's do.
        let slots = try! heap.list()
        for index in 0..<operations {
            let items = try! heap.list()
            for offset in 0..<3 {
                let member = try! heap.instance(of: item)
                try! member.setAttribute(slot: 0, to: heap.int(index + offset))
                try! items.append(member)
            }
            let record = try! heap.dict()
            try! record.setValue(heap.int(index), forKey: idKey)
            try! record.setValue(items, forKey: itemsKey)
            if index % 4 == 0 {
                for offset in 0..<3 { try! items.item(at: offset).setAttribute(slot: 1, to: record) }
            }
            if index < window { try! slots.append(record) } else { try! slots.setItem(at: index % window, to: record) }
        }
        var checksum = 0
        try! slots.forEach { record in
            let items = try! record.value(forKey: itemsKey)!
            checksum += try! items.length() + items.item(at: 0).attribute("value").intValue()
        }
        return figures(.records, "reclaim", started: started, tally: tally, checksum: checksum)
    }

    final class Item {
        var value: Int
        weak var owner: Record?

        init(value: Int) { self.value = value }
    }

    final class Record {
        let id: Int
        var items: [Item]

        init(id: Int, items: [Item]) {
            self.id = id
            self.items = items
        }
    }

    static func recordsWithARC(operations: Int, window: Int) -> Figures {
        let started = nowNanoseconds()
        var slots: [Record] = []
        for index in 0..<operations {
            let record = Record(id: index, items: (0..<3).map { Item(value: index + $0) })
            if index % 4 == 0 { for member in record.items { member.owner = record } }
            if index < window { slots.append(record) } else { slots[index % window] = record }
        }
        let checksum = slots.reduce(0) { $0 + $1.items.count + $1.items[0].value }
        return figures(.records, "swift-arc", started: started, tally: nil, checksum: checksum)
    }

    static func recordsInCPython(operations: Int, window: Int) -> Figures? {
        runInCPython(.records, prelude: """
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

    static let longLivedNode = ObjectType.makeClass("LongLivedNode", attributes: ["up", "other"])

    static func longLivedOnReclaim(live: Int, operations: Int) -> Figures {
        let heap = try! Heap()
        let tally = CollectorTally(heap)
        let started = nowNanoseconds()
        let nodes = try! heap.list()
        for index in 0..<live {
            let node = try! heap.allocateObject(of: longLivedNode)
            if index > 0 {
                let up = try! nodes.item(at: index / 2)
                node.setSlot(0, to: up.raw)
            }
            try! nodes.append(Ref(adopting: node, heap: heap))
        }
        var rings = 0
        for _ in 0..<operations {
            let first = try! heap.allocateObject(of: longLivedNode), second = try! heap.allocateObject(of: longLivedNode)
            first.setSlot(1, to: second)
            second.setSlot(1, to: first)
            if first.slot(1)!.slot(1)! == first { rings += 1 }
            first.release()
            second.release()
        }
        let checksum = try! nodes.length() + rings
        return figures(.longLived, "reclaim", started: started, tally: tally, checksum: checksum)
    }

    final class LongLivedNode {
        var up: LongLivedNode?
        var other: LongLivedNode?
        weak var back: LongLivedNode?
    }

    static func longLivedWithARC(live: Int, operations: Int) -> Figures {
        let started = nowNanoseconds()
        var nodes: [LongLivedNode] = []
        for index in 0..<live {
            let node = LongLivedNode()
            if index > 0 { node.up = nodes[index / 2] }
            nodes.append(node)
        }
        var rings = 0
        for _ in 0..<operations {
            let first = LongLivedNode(), second = LongLivedNode()
            first.other = second
            second.back = first
            if first.other!.back === first { rings += 1 }
        }
        let checksum = nodes.count + rings
        return figures(.longLived, "swift-arc", started: started, tally: nil, checksum: checksum)
    }

    static func longLivedInCPython(live: Int, operations: Int) -> Figures? {
        runInCPython(.longLived, prelude: """
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

    /// One run of `program` on `implementation`, in this process (what a child does).
    static func measure(_ program: Program, _ implementation: String, size: Size) -> Figures? {
        switch (program, implementation) {
        case (.binaryTrees, "reclaim"): return binaryTreesOnReclaim(depth: size.depth)
        case (.binaryTrees, "swift-arc"): return binaryTreesWithARC(depth: size.depth)
        case (.binaryTrees, "cpython"): return binaryTreesInCPython(depth: size.depth)
        case (.records, "reclaim"): return recordsOnReclaim(operations: size.operations, window: size.window)
        case (.records, "swift-arc"): return recordsWithARC(operations: size.operations, window: size.window)
        case (.records, "cpython"): return recordsInCPython(operations: size.operations, window: size.window)
        case (.longLived, "reclaim"): return longLivedOnReclaim(live: size.live, operations: size.operations)
        case (.longLived, "swift-arc"): return longLivedWithARC(live: size.live, operations: size.operations)
        case (.longLived, "cpython"): return longLivedInCPython(live: size.live, operations: size.operations)
        default: return nil
        }
    }

    /// One run in a child process of this benchmark (python3 is a child process of its own).
    static func measureInChild(_ program: Program, _ implementation: String, size: Size) -> Figures? {
        if implementation == "cpython" { return measure(program, implementation, size: size) }
        return ChildProcess.run(["programs", "--case", program.rawValue, "--depth", String(size.depth),
                                 "--operations", String(size.operations), "--window", String(size.window), "--n", String(size.live),
                                 "--impl", implementation, "--child"], decoding: Figures.self)
    }

    /// The suite: for each program, `runs` rounds, each running every
    /// implementation once in turn (so that the machine's drift falls on
    /// all alike), then each one's median, spread and ratios.
    static func run(programs: [Program], size: Size, runs: Int, implementations chosen: [String], child: Bool, table: Bool) {
        var failures: [String] = []
        defer {
            if !failures.isEmpty {
                FileHandle.standardError.write(Data(failures.map { "reclaim-bench: \($0)\n" }.joined().utf8))
                exit(1)
            }
        }
        if child, let program = programs.first, let implementation = chosen.first,
           let figures = measure(program, implementation, size: size) {
            print(ChildProcess.json(figures))
            return
        }
        if table {
            print("program       impl       size                       seconds (median, min–max of \(runs))   vs cpython  vs swift-arc  peak RSS MiB  collections  gc s (young/middle/old)      checksum")
        }
        for program in programs {
            var results: [String: [Figures]] = [:]
            for _ in 0..<runs {
                for implementation in chosen {
                    guard let figures = measureInChild(program, implementation, size: size) else {
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
            print(pad(program.rawValue, 14) + pad(implementation, 11) + pad(size.describe(program), 27) + pad(spread, 36)
                  + leftPad(versus("cpython"), 10) + leftPad(versus("swift-arc"), 14)
                  + leftPad(rounded(median(runs.map(\.peakResidentMiB)), places: 0), 14)
                  + leftPad(String(runs[0].collections), 13) + leftPad(rounded(median(runs.map(\.collectorSeconds)), places: 3), 8)
                  + " (" + (0..<3).map { generation in rounded(median(runs.map { $0.secondsByGeneration[generation] }), places: 3) }
                    .joined(separator: "/") + ")"
                  + leftPad(String(runs[0].checksum), 11))
        }
    }
}
