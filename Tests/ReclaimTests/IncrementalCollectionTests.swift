import Reclaim
import Testing

/// Incremental collection of the old generation: each increment frees only
/// garbage, whatever the program did between increments, and repeated
/// increments free all of it without a full collection.
@Suite("incremental collection")
struct IncrementalCollectionTests {
    static let node = ObjectType.makeClass("Node", attributes: ["next", "other"])

    /// A ring of `length` nodes, held by the returned Ref (its first node).
    static func ring(_ heap: Heap, length: Int) throws -> Ref {
        let first = try heap.instance(of: node)
        var previous = first.copy()
        for _ in 1..<length {
            let next = try heap.instance(of: node)
            try previous.setAttribute("next", to: next)
            previous = next
        }
        try previous.setAttribute("next", to: first)
        return first
    }

    /// A heap in incremental mode with automatic collection off, so that
    /// only the test's steps collect.
    static func incrementalHeap(minimumCandidates: Int = 64) throws -> Heap {
        let heap = try Heap()
        heap.collector.isEnabled = false
        heap.collector.mode = .incremental
        // No time budget: each step examines the minimum, so a pass takes many.
        heap.collector.pacing = IncrementalPacing(pauseBudget: 0, passGrowth: 0.25, maximumDeficit: 2,
                                                  minimumCandidates: minimumCandidates)
        return heap
    }

    /// Steps until a pass ends (at most `limit` steps); returns the steps.
    static func stepThroughPass(_ heap: Heap, limit: Int = 10_000) -> Int {
        let passes = heap.collector.incrementalProgress.passes
        var steps = 0
        while heap.collector.incrementalProgress.passes == passes && steps < limit {
            heap.collector.step()
            steps += 1
        }
        return steps
    }

    @Test("rings that die in the old generation are freed by steps, with no full collection")
    func ringsFreedBySteps() throws {
        let heap = try Self.incrementalHeap()
        let baseline = heap.liveObjectCount
        var rings: Ref? = try heap.list()
        for length in [1, 2, 3, 10, 40] { try rings!.append(Self.ring(heap, length: length)) }
        heap.collector.collect()   // the rings are old now
        #expect(try heap.collector.objects(generation: 2).count == 57, "56 nodes and the list")
        let fullCollections = heap.collector.statistics[2].collections
        rings = nil
        let steps = Self.stepThroughPass(heap)
        #expect(steps < 10_000, "a pass ends")
        #expect(heap.liveObjectCount == baseline, "every ring was freed within one pass")
        #expect(heap.collector.statistics[2].collections > fullCollections)
        #expect(heap.collector.incrementalProgress.increments == heap.collector.statistics[2].collections - fullCollections)
    }

    @Test("a live structure survives every increment while the program moves references between steps")
    func liveSurvivesMutation() throws {
        let heap = try Self.incrementalHeap(minimumCandidates: 4)
        // 200 old nodes in a chain held by `head`; the chain's end moves around.
        let head = try heap.instance(of: Self.node)
        var last = head.copy()
        for _ in 0..<200 {
            let next = try heap.instance(of: Self.node)
            try last.setAttribute("next", to: next)
            last = next
        }
        heap.collector.collect()
        let live = heap.liveObjectCount(of: Self.node)
        #expect(live == 201)
        for round in 0..<300 {
            heap.collector.step()
            // A new object whose only reference goes into an object an
            // increment may already have scanned, and a link cut elsewhere.
            let fresh = try heap.instance(of: Self.node)
            try head.setAttribute("other", to: fresh)
            if round % 7 == 0 {
                let second = try head.attribute("next")
                let third = try second.attribute("next")
                try head.setAttribute("next", to: third)   // drops `second` alone: plain reference counting
            }
        }
        var length = 0
        var cursor = head.raw
        while let next = cursor.slot(0) {
            length += 1
            cursor = next
        }
        #expect(length == 200 - 300 / 7 - 1, "every node still linked is alive and in the chain")
        #expect(heap.liveObjectCount(of: Self.node) == length + 2, "the chain, its head and the newest `other`")
    }

    @Test("a cycle that becomes garbage behind the cursor is freed in the next pass")
    func garbageBehindTheCursor() throws {
        let heap = try Self.incrementalHeap(minimumCandidates: 8)
        let baseline = heap.liveObjectCount
        let ring = try Self.ring(heap, length: 4)
        let ringNode = ring.raw
        var early: Ref? = consume ring
        var padding: Ref? = try heap.list()
        for _ in 0..<100 { try padding!.append(heap.instance(of: Self.node)) }
        heap.collector.collect()
        // Step until the pass has gone past the ring's place in the table,
        // then let the ring die: its nodes are behind the cursor.
        let table = try heap.collector.objects(generation: 2)
        let place = try #require(table.firstIndex(of: ringNode))
        while heap.collector.incrementalProgress.visited <= place { heap.collector.step() }
        #expect(heap.collector.incrementalProgress.passes == 0)
        early = nil
        #expect(heap.liveObjectCount(of: Self.node) == 104, "the ring is garbage, not yet found")
        _ = Self.stepThroughPass(heap)
        _ = Self.stepThroughPass(heap)
        #expect(heap.liveObjectCount(of: Self.node) == 100, "freed within two passes")
        padding = nil
        #expect(heap.liveObjectCount == baseline)
    }

    @Test("a finalizer that resurrects during an increment keeps its object, and runs once")
    func resurrectionDuringIncrement() throws {
        let heap = try Self.incrementalHeap()
        nonisolated(unsafe) var saved: RawRef?
        nonisolated(unsafe) var finalized = 0
        let phoenix = ObjectType.makeClass("Phoenix", attributes: ["me"]) { this in
            finalized += 1
            saved = this.copy().takeRaw()
        }
        do {
            let bird = try heap.instance(of: phoenix)
            try bird.setAttribute("me", to: bird)
            heap.collector.collect()   // survives: held; now old
        }
        _ = Self.stepThroughPass(heap)
        #expect(finalized == 1 && saved != nil, "resurrected by its finalizer")
        #expect(heap.liveObjectCount(of: phoenix) == 1)
        saved?.release()
        saved = nil
        _ = Self.stepThroughPass(heap)
        _ = Self.stepThroughPass(heap)
        #expect(finalized == 1, "a finalizer runs once (PEP 442)")
        #expect(heap.liveObjectCount(of: phoenix) == 0)
    }

    @Test("weak references to garbage found by an increment are cleared and their callbacks run")
    func weakReferencesInIncrements() throws {
        let heap = try Self.incrementalHeap()
        nonisolated(unsafe) var called = 0
        var weak: Ref?
        do {
            let ring = try Self.ring(heap, length: 3)
            weak = try heap.weakReferences.reference(to: ring) { _ in called += 1 }
            heap.collector.collect()
        }
        _ = Self.stepThroughPass(heap)
        #expect(called == 1)
        #expect(try weak?.referent() == nil)
    }

    @Test("frozen objects are never an increment's candidates")
    func frozenObjectsAreLeftAlone() throws {
        let heap = try Self.incrementalHeap()
        do { _ = try Self.ring(heap, length: 5) }
        heap.collector.freeze()
        _ = Self.stepThroughPass(heap)
        #expect(heap.liveObjectCount(of: Self.node) == 5, "frozen garbage stays, as collections leave it")
        heap.collector.unfreeze()
        _ = Self.stepThroughPass(heap)
        #expect(heap.liveObjectCount(of: Self.node) == 0)
    }

    @Test("collect() in the middle of a pass, and a change of mode, lose nothing")
    func fullCollectionAndModeSwitch() throws {
        let heap = try Self.incrementalHeap(minimumCandidates: 8)
        var first: Ref? = try heap.list(), second: Ref? = try heap.list()
        for _ in 0..<10 { try first!.append(Self.ring(heap, length: 3)) }
        for _ in 0..<10 { try second!.append(Self.ring(heap, length: 3)) }
        heap.collector.collect()
        heap.collector.step()
        #expect(heap.collector.incrementalProgress.visited > 0)
        first = nil
        #expect(heap.collector.collect() == 30, "a full collection mid-pass finds all the garbage")
        second = nil
        heap.collector.mode = .generational
        #expect(heap.collector.incrementalProgress.visited == 0, "switching starts the next pass afresh")
        heap.collector.mode = .incremental
        _ = Self.stepThroughPass(heap)
        #expect(heap.liveObjectCount(of: Self.node) == 0)
    }

    @Test("callbacks see increments as collections of generation 2, with their candidates and duration")
    func callbacksReportIncrements() throws {
        let heap = try Self.incrementalHeap()
        nonisolated(unsafe) var infos: [CollectionInfo] = []
        heap.collector.callbacks.append { phase, info in if phase == .stop { infos.append(info) } }
        var ring: Ref? = try Self.ring(heap, length: 6)
        heap.collector.collect()   // old now
        infos.removeAll()
        ring = nil
        _ = Self.stepThroughPass(heap)
        let increments = infos.filter(\.isIncrement)
        #expect(infos.filter { !$0.isIncrement }.allSatisfy { $0.generation <= 1 }, "and the young collections of steps")
        #expect(!increments.isEmpty && increments.allSatisfy { $0.generation == 2 && $0.duration >= 0 })
        #expect(increments.reduce(0) { $0 + $1.collected } == 6)
        #expect(increments.contains { $0.collected == 6 && $0.candidates >= 6 })
    }

    @Test("in incremental mode, allocation runs young collections and paced increments, never a full collection")
    func automaticIncrements() throws {
        let heap = try Heap()
        heap.collector.mode = .incremental
        // A budget no increment reaches, so that the pacing alone sizes
        // them and the test does not depend on the machine's speed; no
        // backstop, so that increments alone must keep pace.
        heap.collector.pacing.pauseBudget = 60
        heap.collector.pacing.fullCollectionGrowth = nil
        nonisolated(unsafe) var increments = 0, full = 0
        heap.collector.callbacks.append { phase, info in
            guard phase == .stop else { return }
            if info.isIncrement { increments += 1 } else if info.generation == 2 { full += 1 }
        }
        let baseline = heap.liveObjectCount
        // A sliding window of 2,000 rings, each dying 2,000 rings after its
        // birth: old enough by then to be in generation 2.
        nonisolated(unsafe) var most = 0
        do {
            let window = try heap.list(capacity: 2_000)
            for index in 0..<20_000 {
                let ring = try Self.ring(heap, length: 1 + index % 4)
                if index < 2_000 { try window.append(ring) } else { try window.setItem(at: index % 2_000, to: ring) }
                most = max(most, heap.liveObjectCount - baseline)
            }
        }
        #expect(full == 0)
        #expect(increments > 0)
        #expect(heap.collector.statistics[2].collected > 10_000, "most rings died old and increments freed them")
        // The window holds 5,000 nodes; the garbage waiting is bounded by a
        // pass over the old generation and the young generations' size.
        #expect(most < 25_000, "garbage does not pile up (at most \(most) objects)")
        // With nothing holding the rings any more, steps alone empty the heap.
        var steps = 0
        while heap.liveObjectCount > baseline && steps < 100 {
            heap.collector.step()
            steps += 1
        }
        #expect(heap.liveObjectCount == baseline, "steps brought the heap back to its baseline (\(steps) steps)")
        #expect(full == 0)
    }

    @Test("garbage larger than an increment is left to the backstop, a whole collection when the old generation has grown")
    func oversizedGarbageAndTheBackstop() throws {
        let heap = try Self.incrementalHeap(minimumCandidates: 32)
        heap.collector.pacing.fullCollectionGrowth = 0.5
        var big: Ref? = try Self.ring(heap, length: 500)
        heap.collector.collect()   // old; the backstop's baseline is 500 objects
        big = nil
        _ = Self.stepThroughPass(heap)
        _ = Self.stepThroughPass(heap)
        #expect(heap.liveObjectCount(of: Self.node) == 500, "a 500-node ring never fits a 32-candidate increment")
        // Growth of the old generation past 1.5 × 500 + 32 brings the backstop.
        heap.collector.isEnabled = true
        nonisolated(unsafe) var full = 0
        heap.collector.callbacks.append { phase, info in
            if phase == .stop && info.generation == 2 && !info.isIncrement { full += 1 }
        }
        let keep = try heap.list()
        for _ in 0..<20_000 { try keep.append(heap.list()) }   // survivors reach generation 2
        #expect(full >= 1)
        #expect(heap.liveObjectCount(of: Self.node) == 0, "the whole collection freed the ring")
    }
}
