import Jemalloc
import Reclaim

/// A model-based check of the heap and its collector: random create / link
/// / unlink / drop / collect steps on a heap and, beside it, a plain Swift
/// model of the same graph with explicit reference counts, finalizers and
/// resurrection. After every collection the heap's live objects and their
/// reference counts equal the model's; each finalizer runs at most once per
/// object; at the end everything is freed and the arena is back to its
/// baseline.
///
/// In incremental mode the collections are steps of incremental collection
/// (`Collector.step()`, a young collection and a small increment) instead
/// of full ones. The model cannot tell which garbage a step will find, so
/// it learns from the heap what the step finalized and freed, and checks
/// that each was garbage in the model — no live object is ever freed or
/// finalized — before comparing everything else. At the end, with no full
/// collection, steps alone must bring the heap back to its baseline.
public struct ModelCheck {
    /// Why a run failed.
    public struct Failure: Error, CustomStringConvertible {
        /// The seed of the failed run, to repeat it.
        public var seed: UInt64
        /// The step at which the heap and the model disagreed, from 0 (the step count for the final check).
        public var step: Int
        /// What differed, in a sentence.
        public var message: String
        /// `seed <seed>, step <step>: <message>`.
        public var description: String { "seed \(seed), step \(step): \(message)" }
    }

    /// Figures of a finished run.
    public struct Summary: Sendable {
        /// Random steps run.
        public var steps = 0
        /// Collections (full ones, or steps in incremental mode) run and checked against the model.
        public var collections = 0
        /// Objects created.
        public var created = 0
        /// Finalizer runs, as the model counts them.
        public var finalized = 0
        /// Times a finalizer resurrected its object.
        public var resurrected = 0
        /// All figures 0.
        public init() {}
    }

    final class Node {
        let id: Int
        var slots: [Int?] = [nil, nil]
        var count = 0          // strong references: incoming slots + roots + resurrection list
        var finalized = false
        let resurrects: Bool
        init(id: Int, resurrects: Bool) {
            self.id = id
            self.resurrects = resurrects
        }
    }

    /// Counts finalizer calls per node id, shared with the finalizer.
    final class Log: @unchecked Sendable {
        var finalizations: [Int: Int] = [:]
        /// Ids whose finalizer ran a second time (checked after each collection).
        var repeated: [Int] = []
        var resurrectionList: RawRef?
        /// The ids finalized, in the order the finalizers ran.
        var events: [Int] = []
    }

    let seed: UInt64
    var random: UInt64
    let heap: Heap
    let type: ObjectType
    let log = Log()
    var nodes: [Int: Node] = [:]
    var objects: [Int: RawRef] = [:]
    var roots: [Int] = []           // ids, each one strong reference held here
    var resurrected: [Int] = []     // ids in the resurrection list, in order
    var nextID = 0
    var summary = Summary()
    let baseline: Int
    /// The most roots (own and resurrected) held at once: at the limit a
    /// create step drops one instead, so the graph stays small and a step costs the same at the
    /// millionth as at the first (a steady state, like a long-running program).
    let maximumRoots: Int
    /// `reachableIDs()` until a step changes what is reachable.
    var reachableCache: [Int]?

    /// Whether nodes have a finalizer. Without one the collector frees
    /// garbage without holding it (no user code can run during a
    /// collection), a path of its own the check covers too.
    let hasFinalizers: Bool
    /// Whether collections are incremental steps (see the type's comment).
    let isIncremental: Bool

    /// Sets up a check on a new heap, with automatic collection off.
    ///
    /// The same `seed` gives the same steps; at most `maximumRoots` roots are
    /// held at once; with `finalizers`, nodes have a finalizer that may
    /// resurrect them.
    public init(seed: UInt64, maximumRoots: Int = 64, finalizers: Bool = true, incremental: Bool = false) throws {
        self.seed = seed
        self.maximumRoots = maximumRoots
        hasFinalizers = finalizers
        isIncremental = incremental
        random = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        heap = try Heap()
        heap.collector.isEnabled = false
        if incremental {
            heap.collector.mode = .incremental
            // No time budget: every step examines a few candidates, so that
            // passes take many steps and the graph changes in between.
            heap.collector.pacing = IncrementalPacing(pauseBudget: 0, passGrowth: 0.25, maximumDeficit: 2,
                                                      minimumCandidates: 8)
        }
        let log = self.log
        let heap = self.heap
        let finalizer: ObjectType.Finalizer = { this in
            let id = try this.attribute("id").intValue()
            log.finalizations[id, default: 0] += 1
            log.events.append(id)
            if log.finalizations[id]! > 1 { log.repeated.append(id) }
            if try this.attribute("resurrects").boolValue(), let list = log.resurrectionList {
                try heap.withBorrowed(list) { try $0.append(this) }
            }
        }
        type = ObjectType.makeClass("ModelNode", attributes: ["a", "b", "id", "resurrects"],
                                    finalizer: finalizers ? finalizer : nil)
        try heap.flushCache()
        let arena = try heap.arena.stats()
        baseline = arena.small.allocated + arena.large.allocated
        log.resurrectionList = try heap.list().takeRaw()
    }

    mutating func next(_ bound: Int) -> Int {
        random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((random >> 33) % UInt64(bound))
    }

    /// Runs `steps` random steps, then tears everything down and checks the arena.
    public mutating func run(steps: Int) throws -> Summary {
        for step in 0..<steps {
            summary.steps += 1
            let reachable = reachableIDs()
            switch next(100) {
            case 0..<25 where roots.count + resurrected.count >= maximumRoots:
                if !resurrected.isEmpty && (roots.isEmpty || next(2) == 0) {
                    try dropResurrected(step: step)
                } else {
                    dropRoot()
                }
            case 0..<25: try create()
            case 25..<55 where !reachable.isEmpty: link(reachable, step: step)
            case 55..<70 where !reachable.isEmpty: unlink(reachable)
            case 70..<90 where !roots.isEmpty: dropRoot()
            case 90..<100 where isIncremental: try stepAndCheck(step: step)
            case 90..<100: try collectAndCheck(step: step)
            default: try create()
            }
        }
        return try finish(step: steps)
    }

    // MARK: Steps

    mutating func create() throws {
        let id = nextID
        nextID += 1
        let node = Node(id: id, resurrects: next(5) == 0)
        let object = try heap.instance(of: type)
        try object.setAttribute("id", to: heap.int(id))
        try object.setAttribute("resurrects", to: heap.bool(node.resurrects))
        node.count = 1
        nodes[id] = node
        objects[id] = object.takeRaw()
        roots.append(id)
        reachableCache?.append(id)   // the largest id yet: the list stays sorted
        summary.created += 1
    }

    mutating func link(_ reachable: [Int], step: Int) {
        let from = reachable[next(reachable.count)], to = reachable[next(reachable.count)], slot = next(2)
        let target = objects[to]!
        objects[from]!.setSlot(slot, to: target)
        nodes[to]!.count += 1
        if let old = nodes[from]!.slots[slot] { decrement(old) }
        nodes[from]!.slots[slot] = to
    }

    mutating func unlink(_ reachable: [Int]) {
        reachableCache = nil
        let from = reachable[next(reachable.count)], slot = next(2)
        guard let old = nodes[from]!.slots[slot] else { return }
        nodes[from]!.slots[slot] = nil
        // Setting the slot to None releases the old value in the heap.
        objects[from]!.setSlot(slot, to: heap.none.raw)
        decrement(old)
    }

    mutating func dropRoot() {
        reachableCache = nil
        let id = roots.remove(at: next(roots.count))
        objects[id]!.release()
        decrement(id)
    }

    /// Releases the object at the end of the heap's resurrection list, in
    /// the heap and in the model.
    mutating func dropResurrected(step: Int) throws {
        let id = try heap.withBorrowed(log.resurrectionList!) { list in try list.pop().attribute("id").intValue() }
        // The heap may have resurrected one collection's objects in another
        // order than the model: any position will do, but it must be there.
        guard let position = resurrected.lastIndex(of: id) else {
            throw Failure(seed: seed, step: step, message: "node \(id) was in the heap's resurrection list only")
        }
        resurrected.remove(at: position)
        decrement(id)
    }

    /// The model of one release: at zero, the finalizer (once), which may
    /// resurrect; otherwise the node's references go, and it is freed.
    mutating func decrement(_ id: Int) {
        reachableCache = nil
        var pending = [id]
        nodes[id]!.count -= 1
        while let current = pending.popLast() {
            guard let node = nodes[current], node.count == 0 else { continue }
            if !node.finalized && finalize(node) { continue }
            nodes[current] = nil
            objects[current] = nil
            for case let target? in node.slots {
                nodes[target]!.count -= 1
                pending.append(target)
            }
        }
    }

    /// The model of a finalizer's one run: resurrecting nodes join the
    /// resurrection list. Returns whether the node was resurrected.
    @discardableResult
    mutating func finalize(_ node: Node) -> Bool {
        guard hasFinalizers else { return false }
        reachableCache = nil
        node.finalized = true
        summary.finalized += 1
        guard node.resurrects else { return false }
        node.count += 1
        resurrected.append(node.id)
        summary.resurrected += 1
        return true
    }

    /// The ids reachable from the roots and the resurrection list, sorted
    /// (so random choices among them repeat from a seed).
    mutating func reachableIDs() -> [Int] {
        if let reachableCache { return reachableCache }
        var seen = Set<Int>(), stack = roots + resurrected
        while let id = stack.popLast() {
            guard seen.insert(id).inserted, let node = nodes[id] else { continue }
            for case let target? in node.slots { stack.append(target) }
        }
        let sorted = Array(seen).sorted()
        reachableCache = sorted
        return sorted
    }

    // MARK: Collection

    mutating func collectAndCheck(step: Int) throws {
        reachableCache = nil
        // Without finalizers a young collection changes nothing the model
        // can see but what it frees, all of which the full one would have
        // freed: half the time one runs first (generation 0 or 1).
        if !hasFinalizers && next(2) == 0 { try heap.collector.collect(generation: next(2)) }
        heap.collector.collect()
        summary.collections += 1
        modelCollection()
        try compare(step: step)
    }

    /// The model of a full collection: every unreachable node not yet
    /// finalized is finalized; resurrecting ones join the resurrection
    /// list; what is then still unreachable is freed.
    mutating func modelCollection() {
        let reachable = Set(reachableIDs())
        let garbage = nodes.keys.filter { !reachable.contains($0) }.sorted()
        for id in garbage where !nodes[id]!.finalized { finalize(nodes[id]!) }
        reachableCache = nil   // finalizers resurrected some
        let survivors = Set(reachableIDs())
        let dead = garbage.filter { !survivors.contains($0) }
        for id in dead {
            for case let target? in nodes[id]!.slots where survivors.contains(target) { nodes[target]!.count -= 1 }
        }
        for id in dead {
            nodes[id] = nil
            objects[id] = nil
        }
    }

    func compare(step: Int) throws {
        func fail(_ message: String) -> Failure { Failure(seed: seed, step: step, message: message) }
        let live = heap.collector.objects().filter { $0.type == type }
        guard live.count == nodes.count, heap.liveObjectCount(of: type) == nodes.count else {
            throw fail("heap has \(live.count) nodes (\(heap.liveObjectCount(of: type)) counted), model \(nodes.count)")
        }
        for object in live {
            let id = try heap.withBorrowed(object) { try $0.attribute("id").intValue() }
            guard let node = nodes[id] else { throw fail("node \(id) lives in the heap but not in the model") }
            guard objects[id] == object else { throw fail("node \(id) is another object than the model's") }
            guard Int(object.referenceCount) == node.count else {
                throw fail("node \(id): reference count \(object.referenceCount), model \(node.count)")
            }
        }
        if let id = log.repeated.first {
            throw fail("finalizer of node \(id) ran \(log.finalizations[id]!) times")
        }
        let modelFinalized = Set(nodes.values.filter(\.finalized).map(\.id))
        for id in modelFinalized where log.finalizations[id] != 1 {
            throw fail("node \(id) is finalized in the model but its finalizer ran \(log.finalizations[id] ?? 0) times")
        }
    }

    /// Drops every root and the resurrection list, collects, and checks that
    /// nothing is left and the arena is back to its baseline.
    mutating func finish(step: Int) throws -> Summary {
        if isIncremental { return try finishWithSteps(step: step) }
        try collectAndCheck(step: step)
        while !roots.isEmpty { dropRoot() }
        // Empty the resurrection list one object at a time, in step with the
        // model: a release can make more objects die and resurrect.
        while !resurrected.isEmpty {
            // The popped object is released when the closure ends.
            let id = try heap.withBorrowed(log.resurrectionList!) { list in try list.pop().attribute("id").intValue() }
            guard let position = resurrected.lastIndex(of: id) else {
                throw Failure(seed: seed, step: step, message: "node \(id) was in the heap's resurrection list only")
            }
            resurrected.remove(at: position)
            reachableCache = nil
            decrement(id)
        }
        try collectAndCheck(step: step)
        // A last collection can resurrect objects of cycles that were still finalizer-free.
        while !resurrected.isEmpty {
            let id = try heap.withBorrowed(log.resurrectionList!) { list in try list.pop().attribute("id").intValue() }
            resurrected.removeAll { $0 == id }
            reachableCache = nil
            decrement(id)
            try collectAndCheck(step: step)
        }
        guard nodes.isEmpty else { throw Failure(seed: seed, step: step, message: "\(nodes.count) nodes left in the model") }
        return try releaseListAndCheckArena(step: step)
    }

    /// The end of every run: the resurrection list goes, and the arena
    /// must be back to its baseline.
    mutating func releaseListAndCheckArena(step: Int) throws -> Summary {
        log.resurrectionList!.release()
        log.resurrectionList = nil
        try heap.flushCache()
        let arena = try heap.arena.stats()
        guard arena.small.allocated + arena.large.allocated == baseline else {
            throw Failure(seed: seed, step: step,
                          message: "arena holds \(arena.small.allocated + arena.large.allocated) bytes, baseline \(baseline)")
        }
        return summary
    }

    // MARK: Incremental steps

    /// One step of incremental collection, then the model learns what it
    /// finalized and freed (each must have been garbage) and is compared.
    mutating func stepAndCheck(step: Int) throws {
        let firstEvent = log.events.count
        heap.collector.step()
        summary.collections += 1
        try learnFromStep(since: firstEvent, step: step)
        try compare(step: step)
    }

    /// Takes into the model what the last step did: its finalizer runs
    /// (after `firstEvent` in the log), the resurrections they made, and
    /// the objects it freed. Fails when any of them was not garbage.
    mutating func learnFromStep(since firstEvent: Int, step: Int) throws {
        func fail(_ message: String) -> Failure { Failure(seed: seed, step: step, message: message) }
        reachableCache = nil
        let reachableBefore = Set(reachableIDs())
        for id in log.events[firstEvent...] {
            guard let node = nodes[id] else { throw fail("the step finalized node \(id), which the model had freed") }
            guard !reachableBefore.contains(id) else { throw fail("the step finalized node \(id), which is reachable") }
            guard !node.finalized else { continue }   // a second run: compare reports it
            finalize(node)
        }
        reachableCache = nil
        let survivors = Set(reachableIDs())
        var alive = Set<Int>()
        for object in heap.collector.objects() where object.type == type {
            alive.insert(try heap.withBorrowed(object) { try $0.attribute("id").intValue() })
        }
        let freed = nodes.keys.filter { !alive.contains($0) }.sorted()
        for id in freed where survivors.contains(id) {
            throw fail("the step freed node \(id), which is reachable")
        }
        for id in freed {
            for case let target? in nodes[id]!.slots where alive.contains(target) && !freed.contains(target) {
                nodes[target]!.count -= 1
            }
        }
        for id in freed {
            nodes[id] = nil
            objects[id] = nil
        }
    }

    /// The end in incremental mode: every root and resurrected object is
    /// dropped, then steps alone — no full collection — must free every
    /// node and bring the arena back to its baseline, within a bound.
    mutating func finishWithSteps(step: Int) throws -> Summary {
        try stepAndCheck(step: step)
        while !roots.isEmpty { dropRoot() }
        // Increments find the garbage structures that fit them: with every
        // root gone, the whole graph may be one such structure, so the last
        // steps may examine as many candidates as there are objects.
        heap.collector.pacing.minimumCandidates = max(8, nodes.count * 2 + 16)
        var steps = 0
        while !nodes.isEmpty || !resurrected.isEmpty {
            while !resurrected.isEmpty { try dropResurrected(step: step) }
            steps += 1
            guard steps <= 100_000 else {
                throw Failure(seed: seed, step: step, message: "\(nodes.count) nodes left after 100,000 steps")
            }
            try stepAndCheck(step: step)
        }
        return try releaseListAndCheckArena(step: step)
    }
}
