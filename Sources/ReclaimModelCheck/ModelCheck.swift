import Jemalloc
import Reclaim

/// A model-based check of the heap and its collector: random create / link
/// / unlink / drop / collect steps, weak references (with and without
/// callbacks), freezing and snapshots on a heap and, beside it, a plain
/// Swift model of the same graph with explicit reference counts,
/// finalizers, resurrection and weak references. After every collection the
/// heap's live objects and their reference counts equal the model's; each
/// finalizer runs at most once per object; a weak reference is cleared
/// exactly when the model says its referent died (or was found unreachable
/// by a collection, which clears it before finalizers run, as CPython's
/// `handle_weakrefs`), and its callback runs once then; frozen objects and
/// what they reach survive collections; at the end everything is freed and
/// the arena is back to its baseline.
///
/// The steps' choices come from a seed (``init(seed:maximumRoots:finalizers:incremental:)``)
/// or from a fuzzer's input bytes (``init(fuzzInput:)``).
///
/// Young collections (`collect(generation: 0 or 1)`), which the model
/// cannot predict, are checked as increments are (below).
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
        /// Weak references made.
        public var weakReferences = 0
        /// Weak-reference callbacks run, as the model counts them.
        public var callbacks = 0
        /// Times the heap was frozen.
        public var freezes = 0
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
        /// Callback runs per weak-reference id.
        var callbacks: [Int: Int] = [:]
    }

    /// A weak reference the model holds (one strong reference to the
    /// weakref object) to node `target`.
    struct Weak {
        let object: RawRef
        let target: Int
        let hasCallback: Bool
        /// Whether the model says the referent died or was found unreachable.
        var isCleared = false
    }

    let seed: UInt64
    var choices: ModelChoices
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
    /// The weak references held, by id.
    var weaks: [Int: Weak] = [:]
    var nextWeakID = 0
    /// Weak-reference ids whose callback must have run once.
    var expectedCallbacks = Set<Int>()
    /// The nodes in the permanent generation: a collection treats them, and
    /// what they reach, as alive.
    var frozen = Set<Int>()

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
        try self.init(seed: seed, choices: ModelChoices(seed: seed), maximumRoots: maximumRoots,
                      finalizers: finalizers, incremental: incremental)
    }

    /// Sets up a check whose choices are a fuzzer's input: its first byte
    /// chooses finalizers (bit 0), incremental steps (bit 1) and the most
    /// roots (4 + the rest modulo 61); the others drive the steps, and the
    /// check finishes when they run out (``runToEnd()``).
    public init(fuzzInput: [UInt8]) throws {
        let first = fuzzInput.first ?? 0
        try self.init(seed: 0, choices: ModelChoices(bytes: Array(fuzzInput.dropFirst())),
                      maximumRoots: 4 + Int(first >> 2) % 61, finalizers: first & 1 == 1, incremental: first & 2 == 2)
    }

    init(seed: UInt64, choices: ModelChoices, maximumRoots: Int, finalizers: Bool, incremental: Bool) throws {
        self.seed = seed
        self.choices = choices
        self.maximumRoots = maximumRoots
        hasFinalizers = finalizers
        isIncremental = incremental
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

    mutating func next(_ bound: Int) -> Int { choices.next(bound) }

    /// Runs `steps` random steps (fewer when a fuzzer's input runs out
    /// first), then tears everything down and checks the arena.
    public mutating func run(steps: Int) throws -> Summary {
        for step in 0..<steps {
            if choices.isExhausted { return try finish(step: step) }
            summary.steps += 1
            let reachable = reachableIDs()
            switch next(100) {
            case 0..<22 where roots.count + resurrected.count >= maximumRoots:
                if !resurrected.isEmpty && (roots.isEmpty || next(2) == 0) {
                    try dropResurrected(step: step)
                } else {
                    dropRoot()
                }
            case 0..<22: try create()
            case 22..<48 where !reachable.isEmpty: link(reachable, step: step)
            case 48..<60 where !reachable.isEmpty: unlink(reachable)
            case 60..<76 where !roots.isEmpty: dropRoot()
            case 76..<82 where !reachable.isEmpty && weaks.count < maximumRoots: try makeWeak(reachable)
            case 76..<85 where !weaks.isEmpty: dropWeak()
            case 85..<87: try freezeOrUnfreeze(step: step)
            case 87..<90 where !reachable.isEmpty: try inspect(reachable, step: step)
            case 90..<100 where isIncremental: try stepAndCheck(step: step)
            case 90..<100: try collectAndCheck(step: step)
            default: try create()
            }
        }
        return try finish(step: steps)
    }

    /// Runs until a fuzzer's input runs out, then tears everything down and
    /// checks the arena (a seeded check would never end: use ``run(steps:)``).
    public mutating func runToEnd() throws -> Summary {
        precondition(choices.isExhaustible, "ModelCheck.runToEnd: a seeded check has no end; use run(steps:)")
        return try run(steps: Int.max)
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

    /// Makes a weak reference to a reachable node, with a callback that
    /// counts its runs half the time.
    mutating func makeWeak(_ reachable: [Int]) throws {
        let target = reachable[next(reachable.count)], id = nextWeakID, hasCallback = next(2) == 0
        nextWeakID += 1
        let log = self.log
        let weak = try heap.withBorrowed(objects[target]!) { node in
            try heap.weakReferences.reference(to: node, callback: hasCallback ? { _ in log.callbacks[id, default: 0] += 1 } : nil)
                .takeRaw()
        }
        weaks[id] = Weak(object: weak, target: target, hasCallback: hasCallback)
        summary.weakReferences += 1
    }

    /// Releases a weak reference the model holds: its callback must not
    /// run afterwards.
    mutating func dropWeak() {
        let id = weaks.keys.sorted()[next(weaks.count)]
        weaks.removeValue(forKey: id)!.object.release()
    }

    /// The model of a referent's weak references being cleared: each held
    /// one with a callback must see it run, once.
    mutating func clearWeakReferences(to target: Int) {
        for (id, weak) in weaks where weak.target == target && !weak.isCleared {
            weaks[id]!.isCleared = true
            if weak.hasCallback {
                expectedCallbacks.insert(id)
                summary.callbacks += 1
            }
        }
    }

    /// `gc.freeze()` (every node now alive joins the permanent generation)
    /// or `gc.unfreeze()`, then a check of the frozen count.
    mutating func freezeOrUnfreeze(step: Int) throws {
        if next(2) == 0 {
            heap.collector.freeze()
            frozen.formUnion(nodes.keys)
            summary.freezes += 1
        } else {
            heap.collector.unfreeze()
            frozen.removeAll()
        }
        guard heap.collector.frozenCount >= frozen.count else {
            throw Failure(seed: seed, step: step,
                          message: "\(heap.collector.frozenCount) objects frozen, model has \(frozen.count) frozen nodes")
        }
    }

    /// Introspection agrees with the model: a reachable node's referents
    /// among nodes are its slots, `gc.is_finalized` is the model's, and a
    /// snapshot counts the model's nodes and survives its JSON round trip.
    mutating func inspect(_ reachable: [Int], step: Int) throws {
        func fail(_ message: String) -> Failure { Failure(seed: seed, step: step, message: message) }
        let id = reachable[next(reachable.count)], node = nodes[id]!
        let referents = heap.collector.referents(of: objects[id]!).filter { $0.type == type }
        let expected = node.slots.compactMap { $0.map { objects[$0]! } }
        guard referents.count == expected.count, Set(referents) == Set(expected) else {
            throw fail("node \(id) refers to \(referents.count) nodes, model \(expected.count)")
        }
        let finalized = heap.withBorrowed(objects[id]!) { heap.collector.isFinalized($0) }
        guard finalized == node.finalized else {
            throw fail("node \(id): gc.is_finalized \(finalized), model \(node.finalized)")
        }
        let snapshot = try heap.introspection.snapshot(label: "model step \(step)")
        guard snapshot.statistics(of: type.name)?.count ?? 0 == nodes.count else {
            throw fail("a snapshot counts \(snapshot.statistics(of: type.name)?.count ?? 0) nodes, model \(nodes.count)")
        }
        guard try HeapSnapshot.decode(from: snapshot.encoded()) == snapshot else {
            throw fail("a snapshot differs after its JSON round trip")
        }
    }

    /// The model of one release: at zero, the finalizer (once), which may
    /// resurrect; otherwise the node's references go, and it is freed.
    mutating func decrement(_ id: Int) {
        reachableCache = nil
        var pending = [id]
        nodes[id]!.count -= 1
        while let current = pending.popLast() {
            guard let node = nodes[current], node.count == 0 else { continue }
            // Dying by reference counting takes an object out of the
            // permanent generation; one its finalizer resurrects is
            // tracked again in generation 0 (CPython's subtype_dealloc).
            frozen.remove(current)
            if !node.finalized && finalize(node) { continue }
            // The finalizer first, then the weak references (subtype_dealloc).
            clearWeakReferences(to: current)
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
        let sorted = Array(reached(from: roots + resurrected)).sorted()
        reachableCache = sorted
        return sorted
    }

    /// What a collection must keep: the nodes reachable from the roots, the
    /// resurrection list and the frozen nodes (whose references count as
    /// from outside the collected generations).
    func protectedIDs() -> Set<Int> { reached(from: roots + resurrected + frozen.sorted()) }

    func reached(from starts: [Int]) -> Set<Int> {
        var seen = Set<Int>(), stack = starts
        while let id = stack.popLast() {
            guard seen.insert(id).inserted, let node = nodes[id] else { continue }
            for case let target? in node.slots { stack.append(target) }
        }
        return seen
    }

    // MARK: Collection

    /// A full collection checked against the model, or (a quarter of the
    /// time) a young one, checked as an increment is.
    mutating func collectAndCheck(step: Int) throws {
        reachableCache = nil
        if next(4) == 0 {
            let firstEvent = log.events.count
            try heap.collector.collect(generation: next(2))
            summary.collections += 1
            try learnFromPartialCollection(since: firstEvent, step: step)
            try compare(step: step)
            return
        }
        heap.collector.collect()
        summary.collections += 1
        modelCollection()
        try compare(step: step)
    }

    /// The model of a full collection: the weak references to every
    /// unprotected node are cleared; every such node not yet finalized is
    /// finalized; resurrecting ones join the resurrection list; what is
    /// then still unreachable is freed.
    mutating func modelCollection() {
        let protected = protectedIDs()
        let garbage = nodes.keys.filter { !protected.contains($0) }.sorted()
        for id in garbage { clearWeakReferences(to: id) }
        for id in garbage where !nodes[id]!.finalized { finalize(nodes[id]!) }
        reachableCache = nil   // finalizers resurrected some
        let survivors = protectedIDs()
        let dead = garbage.filter { !survivors.contains($0) }
        for id in dead {
            for case let target? in nodes[id]!.slots where survivors.contains(target) { nodes[target]!.count -= 1 }
        }
        for id in dead {
            nodes[id] = nil
            objects[id] = nil
        }
    }

    /// The ids of the nodes the heap lists (`gc.get_objects()`, which leaves
    /// frozen ones out).
    func listedIDs() throws -> Set<Int> {
        var ids = Set<Int>()
        for object in heap.collector.objects() where object.type == type {
            ids.insert(try heap.withBorrowed(object) { try $0.attribute("id").intValue() })
        }
        return ids
    }

    func compare(step: Int) throws {
        func fail(_ message: String) -> Failure { Failure(seed: seed, step: step, message: message) }
        // The heap lists the unfrozen nodes; it counts them all. With both
        // equal to the model's, the frozen nodes the model holds are alive.
        let listed = try listedIDs(), unfrozen = Set(nodes.keys).subtracting(frozen)
        guard listed == unfrozen, heap.liveObjectCount(of: type) == nodes.count else {
            throw fail("heap lists \(listed.count) nodes and counts \(heap.liveObjectCount(of: type)); "
                       + "model has \(unfrozen.count) unfrozen of \(nodes.count)")
        }
        for (id, node) in nodes {
            let object = objects[id]!
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
        try compareWeakReferences(step: step)
    }

    /// Each held weak reference is cleared exactly when the model's is, and
    /// the callbacks that ran are the model's, once each.
    func compareWeakReferences(step: Int) throws {
        func fail(_ message: String) -> Failure { Failure(seed: seed, step: step, message: message) }
        for (id, weak) in weaks {
            let alive = try heap.withBorrowed(weak.object) { try $0.referent() != nil }
            guard alive == !weak.isCleared else {
                throw fail("weak reference \(id) to node \(weak.target) is \(alive ? "alive" : "cleared"), "
                           + "model \(weak.isCleared ? "cleared" : "alive")")
            }
        }
        let ran = Set(log.callbacks.keys)
        guard ran == expectedCallbacks else {
            let extra = ran.subtracting(expectedCallbacks).sorted(), missing = expectedCallbacks.subtracting(ran).sorted()
            throw fail("weak-reference callbacks ran for \(extra) but not the model's, and not for \(missing)")
        }
        if let (id, runs) = log.callbacks.first(where: { $0.value != 1 }) {
            throw fail("callback of weak reference \(id) ran \(runs) times")
        }
    }

    /// Drops every root, weak reference and the resurrection list,
    /// unfreezes, collects, and checks that nothing is left and the arena
    /// is back to its baseline.
    mutating func finish(step: Int) throws -> Summary {
        heap.collector.unfreeze()
        frozen.removeAll()
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
        try collectFullyAndCheck(step: step)
        // A last collection can resurrect objects of cycles that were still finalizer-free.
        while !resurrected.isEmpty {
            let id = try heap.withBorrowed(log.resurrectionList!) { list in try list.pop().attribute("id").intValue() }
            resurrected.removeAll { $0 == id }
            reachableCache = nil
            decrement(id)
            try collectFullyAndCheck(step: step)
        }
        guard nodes.isEmpty else { throw Failure(seed: seed, step: step, message: "\(nodes.count) nodes left in the model") }
        return try releaseListAndCheckArena(step: step)
    }

    /// A full collection checked against the model.
    mutating func collectFullyAndCheck(step: Int) throws {
        reachableCache = nil
        heap.collector.collect()
        summary.collections += 1
        modelCollection()
        try compare(step: step)
    }

    /// The end of every run: the weak references and the resurrection list
    /// go, and the arena must be back to its baseline.
    mutating func releaseListAndCheckArena(step: Int) throws -> Summary {
        try compareWeakReferences(step: step)
        for weak in weaks.values { weak.object.release() }
        weaks.removeAll()
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

    // MARK: Incremental steps and young collections

    /// One step of incremental collection, then the model learns what it
    /// finalized and freed (each must have been garbage) and is compared.
    mutating func stepAndCheck(step: Int) throws {
        let firstEvent = log.events.count
        heap.collector.step()
        summary.collections += 1
        try learnFromPartialCollection(since: firstEvent, step: step)
        try compare(step: step)
    }

    /// Takes into the model what the last partial collection (an
    /// increment, or a young collection) did: the weak references it
    /// cleared, its finalizer runs (after `firstEvent` in the log), the
    /// resurrections they made, and the objects it freed. Fails when any of
    /// them was not garbage.
    mutating func learnFromPartialCollection(since firstEvent: Int, step: Int) throws {
        func fail(_ message: String) -> Failure { Failure(seed: seed, step: step, message: message) }
        reachableCache = nil
        let protectedBefore = protectedIDs()
        // A collection clears the weak references to what it found
        // unreachable, before it runs finalizers.
        for (id, weak) in weaks.sorted(by: { $0.key < $1.key }) where !weak.isCleared {
            guard try !heap.withBorrowed(weak.object, { try $0.referent() != nil }) else { continue }
            guard !protectedBefore.contains(weak.target) else {
                throw fail("the collection cleared weak reference \(id) to node \(weak.target), which is reachable")
            }
            clearWeakReferences(to: weak.target)
        }
        for id in log.events[firstEvent...] {
            guard let node = nodes[id] else { throw fail("the collection finalized node \(id), which the model had freed") }
            guard !protectedBefore.contains(id) else { throw fail("the collection finalized node \(id), which is reachable") }
            guard !node.finalized else { continue }   // a second run: compare reports it
            finalize(node)
        }
        reachableCache = nil
        let survivors = protectedIDs()
        // Frozen nodes are not listed; a wrongly freed one shows in compare's count.
        let alive = try listedIDs().union(frozen)
        let freed = nodes.keys.filter { !alive.contains($0) }.sorted()
        for id in freed where survivors.contains(id) {
            throw fail("the collection freed node \(id), which is reachable")
        }
        for id in freed {
            for case let target? in nodes[id]!.slots where alive.contains(target) && !freed.contains(target) {
                nodes[target]!.count -= 1
            }
        }
        for id in freed {
            // Freed without its weak references cleared would be a bug compare reports.
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
