import Reclaim
import Testing

/// A collection in which no user code can run keeps what its scan passes,
/// and then its garbage, in the tables' own storage (`UnheldGarbage`).
/// These graphs put survivors, garbage, candidates reached only from
/// behind the scan and tuples that leave the tables in every generation
/// and in every order, and check each full collection against reachability
/// computed here from the roots.
@Suite("collections that hold no garbage")
struct UnheldGarbageTests {
    /// A random graph of instances over three generations, its roots and
    /// its edges mirrored here.
    struct Graph {
        let heap: Heap
        let node = ObjectType.makeClass("GraphNode", attributes: ["a", "b", "t"])
        var nodes: [RawRef] = []
        /// Each node's two edges (`a`, `b`), as indices into `nodes`.
        var edges: [[Int?]] = []
        var roots: Set<Int> = []
        var state: UInt64
        /// The tuples and dicts of the heap's own (the empty tuple).
        let heapTuples: Int, heapDicts: Int

        init(seed: UInt64) throws {
            heap = try Heap()
            heap.collector.isEnabled = false
            heapTuples = heap.liveObjectCount(of: .tuple)
            heapDicts = heap.liveObjectCount(of: .dict)
            state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        }

        mutating func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }

        /// The nodes the roots reach, by the edges as they are now.
        func reachable() -> Set<Int> {
            var seen = roots, pending = Array(roots)
            while let index = pending.popLast() {
                for case let next? in edges[index] where seen.insert(next).inserted { pending.append(next) }
            }
            return seen
        }

        /// Allocates `count` nodes in clusters of ten, each cluster's first
        /// node a root; a tenth of them also hold a tuple that leaves the
        /// tables in the second collection that promotes it, as its scan
        /// passes it. Returns the new nodes' indices.
        mutating func grow(by count: Int) throws -> Range<Int> {
            let start = nodes.count
            for _ in 0..<count {
                let index = nodes.count
                let object = try heap.allocateObject(of: node)
                nodes.append(object)
                edges.append([nil, nil])
                if (index - start) % 10 == 0 { roots.insert(index) }
                if random(10) == 0 {
                    // A tuple of a tuple of an int: the inner one leaves
                    // the tables in the first collection, and the outer
                    // one in the next, as it comes first in its table: it
                    // takes the place of `placeholder`, which goes.
                    let placeholder = try heap.allocateObject(of: node)
                    let inner = try heap.tuple(count: 1) { _ in try heap.int(index &+ 100_000) }
                    let outer = try heap.tuple(count: 1) { _ in inner.copy() }
                    object.setSlot(2, to: outer.raw)
                    placeholder.release()
                }
            }
            return start..<nodes.count
        }

        mutating func setEdge(_ from: Int, _ slot: Int, to: Int) {
            nodes[from].setSlot(slot, to: nodes[to])
            edges[from][slot] = to
        }

        /// Links the new nodes `fresh`: each one's first edge to a node of
        /// its cluster, its second to its cluster or, one time in four, to
        /// any live node; and `crossing` live nodes' second edges to new
        /// nodes. Rings and tangles within a cluster, references both ways
        /// between generations. The live nodes are held while the edges
        /// change, since a change can leave one unreachable.
        mutating func link(_ fresh: Range<Int>, crossing: Int) {
            let live = reachable().sorted() + fresh.filter { !roots.contains($0) }
            for index in live { nodes[index].retain() }
            defer { for index in live { nodes[index].release() } }
            for index in fresh {
                let cluster = fresh.lowerBound + (index - fresh.lowerBound) / 10 * 10
                let size = min(10, fresh.upperBound - cluster)
                setEdge(index, 0, to: cluster + random(size))
                setEdge(index, 1, to: random(4) == 0 ? live[random(live.count)] : cluster + random(size))
            }
            for _ in 0..<crossing { setEdge(live[random(live.count)], 1, to: fresh.lowerBound + random(fresh.count)) }
        }

        /// Lets go of the allocation references of the nodes `fresh`,
        /// except the roots': what nothing reaches dies by reference
        /// counting, and cycles wait for a collection.
        func release(_ fresh: Range<Int>) {
            for index in fresh where !roots.contains(index) { nodes[index].release() }
        }

        /// The graph's nodes the collector tracks, in any generation.
        func tracked() throws -> Set<RawRef> {
            var found: Set<RawRef> = []
            for generation in 0...2 {
                for object in try heap.collector.objects(generation: generation) where object.type === node {
                    found.insert(object)
                }
            }
            return found
        }

        /// A full collection leaves exactly the nodes the roots reach,
        /// tracked; it returns how many objects it found.
        func checkFullCollection() throws -> Int {
            let found = heap.collector.collect()
            let live = reachable()
            #expect(heap.liveObjectCount(of: node) == live.count)
            #expect(try tracked() == Set(live.map { nodes[$0] }))
            for index in live {
                for slot in 0..<2 { #expect(nodes[index].slot(slot) == edges[index][slot].map { nodes[$0] }) }
            }
            #expect(heap.collector.collect() == 0, "a second collection finds nothing")
            return found
        }
    }

    @Test("random graphs over three generations: each full collection leaves exactly what the roots reach",
          arguments: 1...8 as ClosedRange<UInt64>)
    func randomGraphs(seed: UInt64) throws {
        var graph = try Graph(seed: seed)
        // The old generation.
        let old = try graph.grow(by: 400)
        graph.link(old, crossing: 0)
        graph.release(old)
        _ = try graph.checkFullCollection()
        // A middle generation linked to and from the old one, and a young one.
        for wave in 0..<2 {
            let fresh = try graph.grow(by: 300)
            graph.link(fresh, crossing: 40)
            graph.release(fresh)
            if wave == 0 { _ = try graph.heap.collector.collect(generation: 0) }
        }
        // Most roots go, so every generation holds garbage.
        for root in graph.roots.sorted() where graph.random(3) != 0 {
            graph.roots.remove(root)
            graph.nodes[root].release()
        }
        #expect(try graph.checkFullCollection() > 0, "cycles among the garbage")
        #expect(graph.heap.liveObjectCount(of: .tuple) > graph.heapTuples)
        #expect(!graph.heap.collector.objects().contains { $0.type === ObjectType.tuple }, "every tuple left the tables")
        // Everything goes.
        for root in graph.roots { graph.nodes[root].release() }
        graph.roots = []
        #expect(try graph.checkFullCollection() > 0)
        // The graph's tuples and dicts went with it (the heap's own, like
        // the empty tuple, stay).
        #expect(graph.heap.liveObjectCount(of: .tuple) == graph.heapTuples)
        #expect(graph.heap.liveObjectCount(of: .dict) == graph.heapDicts)
    }
}
