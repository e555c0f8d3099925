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
enum ProgramsSuite {
    /// What one run of one program measured.
    struct Figures: Codable {
        var implementation: String
        var depth: Int
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

    static func binaryTreesOnReclaim(depth maxDepth: Int) -> Figures {
        let heap = try! Heap()
        nonisolated(unsafe) var collections = 0, collectorSeconds = 0.0
        nonisolated(unsafe) var byGeneration = [0.0, 0.0, 0.0]
        heap.collector.callbacks.append { phase, info in
            guard phase == .stop else { return }
            collections += 1
            collectorSeconds += info.duration
            byGeneration[info.generation] += info.duration
        }
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
        let seconds = Double(nowNanoseconds() - started) / 1e9
        return Figures(implementation: "reclaim", depth: maxDepth, seconds: seconds, peakResidentMiB: peakResidentMiB(),
                       collections: collections, collectorSeconds: collectorSeconds, secondsByGeneration: byGeneration,
                       checksum: checksum)
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
        let seconds = Double(nowNanoseconds() - started) / 1e9
        return Figures(implementation: "swift-arc", depth: maxDepth, seconds: seconds, peakResidentMiB: peakResidentMiB(),
                       collections: 0, collectorSeconds: 0, secondsByGeneration: [0, 0, 0], checksum: checksum)
    }

    // MARK: CPython

    static func binaryTreesInCPython(depth maxDepth: Int) -> Figures? {
        let script = """
            import gc, resource, sys, time
            sys.setrecursionlimit(10000)
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
            max_depth = \(maxDepth)
            t0 = time.perf_counter()
            checksum = check(make(max_depth + 1, None))
            long_lived = make(max_depth, None)
            for depth in range(4, max_depth + 1, 2):
                for _ in range(1 << (max_depth - depth + 4)):
                    checksum += check(make(depth, None))
            checksum += check(long_lived)
            seconds = time.perf_counter() - t0
            gc.callbacks.remove(callback)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(seconds, rss, totals[0], totals[1], checksum, *by_generation)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let fields = String(decoding: output, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
            .compactMap { Double($0) }
        guard fields.count == 8 else { return nil }
        return Figures(implementation: "cpython", depth: maxDepth, seconds: fields[0], peakResidentMiB: fields[1],
                       collections: Int(fields[2]), collectorSeconds: fields[3], secondsByGeneration: Array(fields[5...7]),
                       checksum: Int(fields[4]))
    }

    // MARK: Running

    static func peakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// One run of `implementation`, in this process (what a child does).
    static func measure(_ implementation: String, depth: Int) -> Figures? {
        switch implementation {
        case "reclaim": return binaryTreesOnReclaim(depth: depth)
        case "swift-arc": return binaryTreesWithARC(depth: depth)
        case "cpython": return binaryTreesInCPython(depth: depth)
        default: return nil
        }
    }

    /// One run of `implementation` in a child process of this benchmark
    /// (python3 is a child process of its own).
    static func measureInChild(_ implementation: String, depth: Int) -> Figures? {
        if implementation == "cpython" { return binaryTreesInCPython(depth: depth) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["programs", "--depth", String(depth), "--impl", implementation, "--child"]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try? JSONDecoder().decode(Figures.self, from: output)
    }

    static func json(_ figures: Figures) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(figures), as: UTF8.self)
    }

    /// The suite: `runs` rounds, each running every implementation once in
    /// turn (so that the machine's drift falls on all alike), then each
    /// one's median, spread and ratios.
    static func run(depth: Int, runs: Int, implementations chosen: [String], child: Bool, table: Bool) {
        if child, let implementation = chosen.first, let figures = measure(implementation, depth: depth) {
            print(json(figures))
            return
        }
        var results: [String: [Figures]] = [:]
        for _ in 0..<runs {
            for implementation in chosen {
                guard let figures = measureInChild(implementation, depth: depth) else {
                    FileHandle.standardError.write(Data("reclaim-bench: binary-trees on \(implementation) failed\n".utf8))
                    continue
                }
                results[implementation, default: []].append(figures)
                if !table { print(json(figures)) }
            }
        }
        guard table else { return }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let medians = results.mapValues { median($0.map(\.seconds)) }
        print("program       impl       depth  seconds (median, min–max of \(runs))   vs cpython  vs swift-arc  peak RSS MiB  collections  gc s (young/middle/old)      checksum")
        for implementation in chosen {
            guard let runs = results[implementation], let seconds = medians[implementation] else { continue }
            let times = runs.map(\.seconds)
            let spread = "\(rounded(seconds, places: 3)) (\(rounded(times.min()!, places: 3))–\(rounded(times.max()!, places: 3)))"
            let versus = { (reference: String) in medians[reference].map { rounded(seconds / $0, places: 3) + "×" } ?? "-" }
            print(pad("binary-trees", 14) + pad(implementation, 11) + leftPad(String(depth), 5) + "  " + pad(spread, 36)
                  + leftPad(versus("cpython"), 10) + leftPad(versus("swift-arc"), 14)
                  + leftPad(rounded(median(runs.map(\.peakResidentMiB)), places: 0), 14)
                  + leftPad(String(runs[0].collections), 13) + leftPad(rounded(median(runs.map(\.collectorSeconds)), places: 3), 8)
                  + " (" + (0..<3).map { generation in rounded(median(runs.map { $0.secondsByGeneration[generation] }), places: 3) }
                    .joined(separator: "/") + ")"
                  + leftPad(String(runs[0].checksum), 11))
        }
    }
}
