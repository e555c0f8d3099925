import Jemalloc
import Reclaim
import ReclaimJSON

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
    /// The ids the model finalized, in its order (the heap's are in `log.events`).
    var modelEvents: [Int] = []
    /// How many of `log.events` and `modelEvents` were compared already.
    var comparedEvents = (heap: 0, model: 0)

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
        // Unowned: the type lives as long as the heap's objects, and a strong
        // capture would keep the heap (and its arena) alive after the check.
        let finalizer: ObjectType.Finalizer = { [unowned heap] this in
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
        modelEvents.append(node.id)
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
        if next(4) == 0 {
            let generation = next(2)
            try partialCollectionAndCheck(step: step) { heap in
                // 0 or 1 cannot be refused.
                try? heap.collector.collect(generation: generation)
            }
            return
        }
        try collectFullyAndCheck(step: step)
    }

    /// A full collection checked against the model.
    mutating func collectFullyAndCheck(step: Int) throws {
        reachableCache = nil
        heap.collector.collect()
        summary.collections += 1
        let protected = protectedIDs()
        applyCollection(garbage: nodes.keys.filter { !protected.contains($0) }.sorted())
        try compare(step: step)
    }

    /// The model of a collection that found `garbage` unreachable: their
    /// weak references are cleared; those not yet finalized are
    /// finalized; resurrecting ones join the resurrection list; what is
    /// then still unreachable is freed, and what it referred to outside
    /// itself is released — which may free more (a frozen node, say, that
    /// only the garbage referred to), by reference counting.
    @discardableResult
    mutating func applyCollection(garbage: [Int]) -> Set<Int> {
        for id in garbage { clearWeakReferences(to: id) }
        for id in garbage where !nodes[id]!.finalized { finalize(nodes[id]!) }
        reachableCache = nil   // finalizers resurrected some
        let survivors = protectedIDs()
        let dead = garbage.filter { !survivors.contains($0) }, deadSet = Set(dead)
        var released: [Int] = []
        for id in dead {
            for case let target? in nodes[id]!.slots where !deadSet.contains(target) { released.append(target) }
        }
        for id in dead {
            nodes[id] = nil
            objects[id] = nil
            frozen.remove(id)
        }
        for target in released { decrement(target) }
        return deadSet
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

    mutating func compare(step: Int) throws {
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
        // The finalizers that ran since the last comparison are the model's
        // (the heap may run one collection's in another order).
        let heapRan = log.events[comparedEvents.heap...].sorted(), modelRan = modelEvents[comparedEvents.model...].sorted()
        guard heapRan == modelRan else {
            throw fail("finalizers ran for nodes \(heapRan), model \(modelRan)")
        }
        comparedEvents = (log.events.count, modelEvents.count)
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

    /// One step of incremental collection, checked against the model.
    mutating func stepAndCheck(step: Int) throws {
        try partialCollectionAndCheck(step: step) { $0.collector.step() }
    }

    /// What the heap showed of one collection of a partial one's run (a
    /// step may run a young collection and an increment).
    struct ObservedCollection {
        /// The nodes whose finalizers the collection ran on what it found
        /// unreachable (before it disposed of the garbage).
        var finalized: [Int] = []
        /// The nodes it freed as garbage: its `collectable` debug lines,
        /// which name each object's address (CPython's are printed after
        /// resurrection, for what stays unreachable).
        var freed: [Int] = []
        /// Whether the debug lines began (what dies after is released by them).
        var disposing = false
        /// The held weak references cleared when it stopped.
        var cleared: [Int] = []
        /// A debug line that names no node of the model.
        var stranger: String?
    }

    /// A collection the model cannot predict — an increment, or a young
    /// collection — checked against the model. When finalizers, weak
    /// references or frozen nodes make the outcome depend on what the
    /// collection found unreachable, the model learns it collection by
    /// collection (``ObservedCollection``, through callbacks and debug
    /// lines); else from the nodes freed. What it found must have been
    /// unreachable; the model applies the collection to it, its frees must
    /// be the heap's, and then everything is compared.
    mutating func partialCollectionAndCheck(step: Int, _ collect: (Heap) -> Void) throws {
        func fail(_ message: String) -> Failure { Failure(seed: seed, step: step, message: message) }
        reachableCache = nil
        guard hasFinalizers || !weaks.isEmpty || !frozen.isEmpty else {
            let protected = protectedIDs()
            collect(heap)
            summary.collections += 1
            let alive = try listedIDs()
            let garbage = nodes.keys.filter { !alive.contains($0) }.sorted()
            if let wrong = garbage.first(where: { protected.contains($0) }) {
                throw fail("the collection freed node \(wrong), which is reachable")
            }
            applyCollection(garbage: garbage)
            return try compare(step: step)
        }
        final class Observer { var collections: [ObservedCollection] = []; var firstEvent = 0 }
        let observer = Observer(), log = self.log, heap = self.heap, prefix = "gc: collectable <\(type.name) "
        var byAddress: [String: Int] = [:]
        for (id, object) in objects { byAddress["\(prefix)\(object.pointer)>"] = id }
        let held = weaks.filter { !$0.value.isCleared }.map { (id: $0.key, object: $0.value.object) }
        let flags = heap.collector.debugFlags, sink = heap.collector.debugSink, callbacks = heap.collector.callbacks
        heap.collector.debugFlags = .collectable
        heap.collector.debugSink = { [byAddress] line in
            guard line.hasPrefix(prefix), !observer.collections.isEmpty else { return }
            let index = observer.collections.count - 1
            if !observer.collections[index].disposing {
                observer.collections[index].disposing = true
                observer.collections[index].finalized = Array(log.events[observer.firstEvent...])
            }
            if let id = byAddress[line] { observer.collections[index].freed.append(id) }
            else { observer.collections[index].stranger = line }
        }
        heap.collector.callbacks.append { phase, _ in
            switch phase {
            case .start:
                observer.collections.append(ObservedCollection())
                observer.firstEvent = log.events.count
            case .stop:
                let index = observer.collections.count - 1
                if !observer.collections[index].disposing {
                    observer.collections[index].finalized = Array(log.events[observer.firstEvent...])
                }
                observer.collections[index].cleared = held.filter { weak in
                    (try? heap.withBorrowed(weak.object) { try $0.referent() == nil }) ?? false
                }.map(\.id)
            }
        }
        collect(heap)
        heap.collector.debugFlags = flags
        heap.collector.debugSink = sink
        heap.collector.callbacks = callbacks
        for observed in observer.collections {
            summary.collections += 1
            if let line = observed.stranger { throw fail("the collection freed \(line), no node of the model") }
            let protected = protectedIDs()
            let found = Set(observed.freed + observed.finalized).sorted()
            if let wrong = found.first(where: { protected.contains($0) }) {
                throw fail("the collection found node \(wrong) unreachable, which is reachable")
            }
            let freed = applyCollection(garbage: found)
            guard freed == Set(observed.freed) else {
                throw fail("the collection freed nodes \(observed.freed.sorted()), model \(freed.sorted())")
            }
            // A weak reference cleared to a node that lives (resurrected,
            // already finalized) was also found unreachable.
            for id in observed.cleared where !weaks[id]!.isCleared {
                let target = weaks[id]!.target
                guard !protected.contains(target), nodes[target] != nil else {
                    throw fail("the collection cleared weak reference \(id) to node \(target), which is reachable")
                }
                clearWeakReferences(to: target)
            }
        }
        try compare(step: step)
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
