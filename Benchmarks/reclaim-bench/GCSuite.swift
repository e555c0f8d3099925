import BenchmarkSupport
import Foundation
import Reclaim

/// Suite `gc`: one full collection over graphs of N tracked containers,
/// Reclaim against CPython (python3, run by this command on the same
/// graphs, built in the same order). Only the collection is timed, never
/// the building.
///
/// Shapes: `rings` (rings of 10 nodes, 1 slot each, held by a list), `tree`
/// (a complete binary tree, slots left/right/parent), `random` (2 slots each
/// pointing at uniformly random nodes from a fixed-seed generator both sides
/// share, all nodes held by one list). States: `live` (the root is held
/// during the collection) and `garbage` (the root is dropped first, so
/// reference counting frees what it can, then one collection reclaims the
/// rest, freeing included).
///
/// Orders: `rootfirst` allocates the holder (or the tree's root) first and
/// links each structure as it is made, the natural order of a program that
/// appends what it makes to a list; `rootlast` allocates every node first
/// and the holder (or the root) last. For rings that is CPython's slow
/// order: its scan, in allocation order, moves every node to the
/// unreachable list and back. Collections: `first` times
/// the first collection after building, which promotes everything it keeps;
/// `settled` times a collection after an untimed one, on both sides.
enum GCSuite {
    enum Shape: String, CaseIterable { case rings, tree, random }
    enum State: String, CaseIterable { case live, garbage }
    enum Order: String, CaseIterable { case rootfirst, rootlast }
    enum Collection: String, CaseIterable { case first, settled }

    /// One measured case: `shape-state-order-collection`.
    struct Case: Equatable {
        var shape: Shape, state: State, order: Order, collection: Collection
        var name: String { "\(shape.rawValue)-\(state.rawValue)-\(order.rawValue)-\(collection.rawValue)" }

        /// Every combination of the given choices, in a stable order.
        static func all(shapes: [Shape], states: [State], orders: [Order], collections: [Collection]) -> [Case] {
            shapes.flatMap { shape in states.flatMap { state in orders.flatMap { order in
                collections.map { Case(shape: shape, state: state, order: order, collection: $0) } } } }
        }
    }

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
    static let ringLength = 10

    /// Builds the shape on a fresh heap in `order`; returns the heap and the
    /// root, which holds every node.
    static func build(_ shape: Shape, n: Int, order: Order = .rootlast) -> (Heap, RawRef) {
        let heap = try! Heap()
        heap.collector.isEnabled = false
        func makeNode() -> RawRef { try! heap.allocateObject(of: node) }
        func makeHolder(_ capacity: Int) -> RawRef { try! heap.list(capacity: capacity).takeRaw() }
        func hold(_ holder: RawRef, _ object: RawRef) {
            heap.withBorrowed(holder) { try! $0.append(Ref(retaining: object, heap: heap)) }
        }
        var nodes: [RawRef] = []
        nodes.reserveCapacity(n)
        let root: RawRef
        switch (shape, order) {
        case (.rings, _):
            let ringCount = (n + ringLength - 1) / ringLength
            var holder = order == .rootfirst ? makeHolder(ringCount) : nil
            for start in stride(from: 0, to: n, by: ringLength) {
                let end = min(start + ringLength, n)
                for _ in start..<end { nodes.append(makeNode()) }
                for index in start..<end { nodes[index].setSlot(0, to: nodes[index + 1 < end ? index + 1 : start]) }
                if let holder { hold(holder, nodes[start]) }
            }
            if holder == nil {
                holder = makeHolder(ringCount)
                for start in stride(from: 0, to: n, by: ringLength) { hold(holder!, nodes[start]) }
            }
            root = holder!
        case (.tree, .rootfirst):
            // Breadth-first: each node is linked to its parent, made before it.
            for index in 0..<n {
                nodes.append(makeNode())
                guard index > 0 else { continue }
                let parent = (index - 1) / 2
                nodes[parent].setSlot(index % 2 == 1 ? 0 : 1, to: nodes[index])
                nodes[index].setSlot(2, to: nodes[parent])
            }
            nodes[0].retain()
            root = nodes[0]
        case (.tree, .rootlast):
            // Reverse breadth-first: each node is linked to its children, made before it.
            var made = [RawRef?](repeating: nil, count: n)
            for index in stride(from: n - 1, through: 0, by: -1) {
                let object = makeNode()
                made[index] = object
                for (slot, child) in [(0, 2 * index + 1), (1, 2 * index + 2)] where child < n {
                    object.setSlot(slot, to: made[child]!)
                    made[child]!.setSlot(2, to: object)
                }
            }
            nodes = made.map { $0! }
            nodes[0].retain()
            root = nodes[0]
        case (.random, _):
            let holder = order == .rootfirst ? makeHolder(n) : nil
            for _ in 0..<n {
                nodes.append(makeNode())
                if let holder { hold(holder, nodes[nodes.count - 1]) }
            }
            var generator = Generator()
            for index in 0..<n {
                nodes[index].setSlot(0, to: nodes[generator.next(below: n)])
                nodes[index].setSlot(1, to: nodes[generator.next(below: n)])
            }
            if let holder {
                root = holder
            } else {
                root = makeHolder(n)
                for object in nodes { hold(root, object) }
            }
        }
        for object in nodes { object.release() }   // the nodes now live through the graph
        return (heap, root)
    }

    static func measureReclaim(_ measured: Case, n: Int) -> Result {
        let (heap, root) = build(measured.shape, n: n, order: measured.order)
        if measured.collection == .settled { heap.collector.collect() }
        if measured.state == .garbage { root.release() }
        let start = nowNanoseconds()
        let found = heap.collector.collect()
        let elapsed = Double(nowNanoseconds() - start)
        if measured.state == .live { root.release() }
        heap.destroy()
        return Result(nanosecondsPerObject: elapsed / Double(n), found: found)
    }

    static func measureCPython(_ measured: Case, n: Int) -> Result {
        let script = """
            import gc, time
            gc.disable()
            # The interpreter's own objects (some 11,000) settle into the
            # oldest generation; an empty collection's time, the median of
            # three, is taken off the timed one, so only the graph counts.
            gc.collect()
            empty = []
            for _ in range(3):
                t0 = time.perf_counter_ns()
                gc.collect()
                empty.append(time.perf_counter_ns() - t0)
            empty = sorted(empty)[1]
            class Node:
                __slots__ = ('a', 'b', 'c')
            state = 0x2545F4914F6CDD1D
            def next_below(bound):
                global state
                state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
                return (state >> 33) % bound
            n = \(n)
            shape, order = "\(measured.shape.rawValue)", "\(measured.order.rawValue)"
            ring = \(ringLength)
            if shape == "rings":
                root = [] if order == "rootfirst" else None
                firsts = []
                for start in range(0, n, ring):
                    made = [Node() for _ in range(start, min(start + ring, n))]
                    for i in range(len(made)):
                        made[i].a = made[(i + 1) % len(made)]
                    (root if root is not None else firsts).append(made[0])
                if root is None:
                    root = list(firsts)
                del firsts, made
            elif shape == "tree":
                nodes = [None] * n
                p = None
                if order == "rootfirst":
                    for i in range(n):
                        nodes[i] = node = Node()
                        if i:
                            p = nodes[(i - 1) // 2]
                            if i % 2 == 1:
                                p.a = node
                            else:
                                p.b = node
                            node.c = p
                else:
                    for i in range(n - 1, -1, -1):
                        nodes[i] = node = Node()
                        if 2 * i + 1 < n:
                            node.a = nodes[2 * i + 1]
                            node.a.c = node
                        if 2 * i + 2 < n:
                            node.b = nodes[2 * i + 2]
                            node.b.c = node
                root = nodes[0]
                del nodes, node, p
            else:
                if order == "rootfirst":
                    root = []
                    for _ in range(n):
                        root.append(Node())
                    nodes = root
                else:
                    nodes = [Node() for _ in range(n)]
                for i in range(n):
                    nodes[i].a = nodes[next_below(n)]
                    nodes[i].b = nodes[next_below(n)]
                if order == "rootlast":
                    root = list(nodes)
                del nodes
            if "\(measured.collection.rawValue)" == "settled":
                gc.collect()  # not timed, as on Reclaim's side
            if "\(measured.state.rawValue)" == "garbage":
                del root
            t0 = time.perf_counter_ns()
            found = gc.collect()
            t1 = time.perf_counter_ns()
            print((t1 - t0 - empty) / n, found)
            """
        let numbers = CPython.numbers(printedBy: script)
        guard numbers.count >= 2 else { return Result(nanosecondsPerObject: .nan, found: -1) }
        return Result(nanosecondsPerObject: numbers[0], found: Int(numbers[1]))
    }

    /// Runs every case, `rounds` times each side (interleaved), and prints
    /// the medians with the spread of the rounds. With `reclaimOnly`, CPython
    /// is not run (for profilers and instruction counts). Returns false when
    /// the two sides found different counts.
    @discardableResult
    static func run(n: Int, cases: [Case], rounds: Int, table: Bool, reclaimOnly: Bool = false) -> Bool {
        if reclaimOnly {
            for measured in cases {
                let result = median((0..<rounds).map { _ in measureReclaim(measured, n: n) })
                print("{\"suite\":\"gc\",\"case\":\"\(measured.name)\",\"impl\":\"reclaim\",\"n\":\(n),"
                      + "\"ns_per_obj\":\(rounded(result.nanosecondsPerObject)),\"found\":\(result.found)}")
            }
            return true
        }
        var agree = true
        if table { print("case                              n        cpython ns/obj   reclaim ns/obj      found   vs cpython") }
        for measured in cases {
            var ours: [Result] = [], theirs: [Result] = []
            for _ in 0..<rounds {
                ours.append(measureReclaim(measured, n: n))
                theirs.append(measureCPython(measured, n: n))
            }
            let a = median(ours), b = median(theirs)
            if a.found != b.found { agree = false }
            if table {
                let found = a.found == b.found ? String(a.found) : "\(a.found)≠\(b.found)"
                print(pad(measured.name, 34) + pad(String(n), 9) + leftPad(spread(theirs), 15) + leftPad(spread(ours), 17)
                      + leftPad(found, 11) + "   " + rounded(a.nanosecondsPerObject / b.nanosecondsPerObject, places: 3) + "×")
            } else {
                for (impl, result) in [("cpython", b), ("reclaim", a)] {
                    print("{\"suite\":\"gc\",\"case\":\"\(measured.name)\",\"impl\":\"\(impl)\",\"n\":\(n),"
                          + "\"ns_per_obj\":\(rounded(result.nanosecondsPerObject)),\"found\":\(result.found)}")
                }
            }
        }
        return agree
    }

    static func median(_ results: [Result]) -> Result {
        results.sorted { $0.nanosecondsPerObject < $1.nanosecondsPerObject }[results.count / 2]
    }

    /// The median, and with several rounds the lowest and highest: `m (lo–hi)`.
    static func spread(_ results: [Result]) -> String {
        let sorted = results.map(\.nanosecondsPerObject).sorted()
        let middle = rounded(sorted[sorted.count / 2], places: 1)
        guard sorted.count > 1 else { return middle }
        return "\(middle) (\(rounded(sorted.first!, places: 0))–\(rounded(sorted.last!, places: 0)))"
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
