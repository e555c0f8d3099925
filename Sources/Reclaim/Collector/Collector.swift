// Unsafe code here: a collector reaches its state through the heap's pointer.
// Invariants: the state lives as long as the heap, and a Collector holds the
// heap; it is used only by the thread using the heap.

/// A heap's cycle collector: CPython's trial deletion over the containers
/// the heap tracks, in three generations, and the `gc` module's surface.
///
/// A heap has one (``Heap/collector``); its state — tables, counts,
/// thresholds, statistics, settings — lives as long as the heap
/// (`CollectorState`). A `Collector` value is a handle to it: copies are
/// the same collector.
///
/// Reference counting frees everything but cycles. To find unreachable
/// cycles among the containers of the generations being collected (the
/// *candidates*), a collection runs these phases, one function each:
///
/// 1. `gatherCandidates` — give each candidate, where it sits in its
///    generation's table, a scratch count equal to its reference count.
/// 2. `subtractInternalReferences` — for every reference from one candidate
///    to another, subtract one from the target's scratch count. What is
///    left is the number of references from outside the candidates.
/// 3. `markAndPromoteReachable` — a candidate with references from outside is
///    reachable, and so is everything reachable from it; the rest is
///    unreachable. The scan promotes what it traverses as it goes,
///    emptying the tables it read.
/// 4. `promoteSurvivors` — the other reachable candidates move to the next
///    older generation (the oldest stays); the unreachable ones are held,
///    so nothing frees them while finalizers and callbacks run. Promotion,
///    here and in phase 3, untracks a survivor that cannot be part of a
///    cycle instead (an atomic tuple; after a full collection, an atomic
///    dict: `untrackAtomicDicts`), as CPython's `untrack_tuples` and
///    `untrack_dicts` do.
/// 5. `handleWeakReferences` — clear every weak reference that is garbage
///    itself and every weak reference to an unreachable object, and run
///    the callbacks of those that are not garbage (CPython's `handle_weakrefs`).
/// 6. `finalizeUnreachable` — with the unreachable objects held and their
///    cycles intact, run each finalizer that has not run yet (PEP 442) and
///    mark the object finalized.
/// 7. `removeResurrected` — repeat the count over the unreachable set: any
///    object a finalizer made reachable again, and everything it reaches,
///    survives into the next older generation, as the other survivors do.
/// 8. `clearGarbage` — break the cycles with each type's `clear`, then
///    release the references held since phase 4: reference counting frees
///    the objects, each exactly once.
///
/// When no user code can run during the collection (`canRunUserCode`: no
/// finalizers, weak references or garbage debugging in the heap), phases
/// 5–7 have nothing to do, and phases 4 and 8 become
/// `promoteSurvivorsWithoutHolding` (the garbage is listed, not held),
/// `clearUnheldGarbage` and `freeClearedGarbage`.
///
/// Collections never nest: a collection requested while one runs (from a
/// finalizer) does nothing and returns 0, and allocations during a
/// collection do not start one.
public struct Collector: Sendable {
    /// The heap whose containers this collector collects.
    let heap: Heap

    init(heap: Heap) { self.heap = heap }

    /// The collector's state, kept by the heap.
    @inline(__always)
    var state: UnsafeMutablePointer<CollectorState> { heap.collectorState }

    // MARK: Collecting

    /// Collects every generation and returns how many objects it found
    /// unreachable and kept so (`gc.collect()`), counted as CPython counts:
    /// not those finalizers resurrected, but the weak references freed once
    /// their callbacks ran. 0 when a collection is already running.
    @discardableResult
    public func collect() -> Int {
        collectGenerations(through: 2)
    }

    /// Collects generations 0 through `generation` and returns how many
    /// objects it found unreachable and kept so (`gc.collect(generation)`),
    /// counted as ``collect()`` counts; 0 when a collection is already running.
    ///
    /// - Throws: ``CollectorError`` when `generation` is not 0, 1 or 2.
    @discardableResult
    public func collect(generation: Int) throws(CollectorError) -> Int {
        collectGenerations(through: try CollectorError.checked(generation, "Collector.collect(generation:)"))
    }

    /// Whether a collection is running (a finalizer or callback it called
    /// is asking).
    public var isCollecting: Bool { state.pointee.isCollecting }

    // MARK: Scheduling

    /// Whether automatic collection is on (`gc.isenabled()`, `gc.enable()`,
    /// `gc.disable()`).
    public var isEnabled: Bool {
        get { state.pointee.isEnabled }
        nonmutating set { state.pointee.isEnabled = newValue }
    }

    /// The three generation counts (`gc.get_count()`).
    public var counts: GenerationValues { state.pointee.counts }

    /// The three thresholds (`gc.get_threshold()` / `gc.set_threshold()`);
    /// a first threshold of 0 turns automatic collection off.
    public var thresholds: GenerationValues {
        get { state.pointee.thresholds }
        nonmutating set { state.pointee.thresholds = newValue }
    }

    /// Per-generation statistics, youngest first (`gc.get_stats()`).
    public var statistics: [GenerationStatistics] { state.pointee.statistics }

    /// Runs the collection the counts call for (allocation found
    /// generation 0's count past its threshold). In incremental mode that
    /// is a young collection (never the old generation whole) and then,
    /// when the pacing says work is owed, an increment in the time the
    /// pause budget leaves.
    func collectScheduledGeneration() {
        guard state.pointee.mode == .incremental else {
            _ = collectGenerations(through: state.pointee.scheduledGeneration)
            return
        }
        let started = monotonicSeconds()
        let pacing = state.pointee.pacing
        if let growth = pacing.fullCollectionGrowth,
           Double(state.pointee.generations[2].count)
               > Double(state.pointee.longLivedTotal) * (1 + growth) + Double(pacing.minimumCandidates) {
            _ = collectGenerations(through: 2)
            return
        }
        let oldBefore = state.pointee.generations[2].count
        _ = collectGenerations(through: min(state.pointee.scheduledGeneration, 1))
        let oldAfter = state.pointee.generations[2].count
        state.pointee.schedule.owe(promoted: max(0, oldAfter - oldBefore), oldObjects: oldAfter, pacing: pacing)
        let owed = Int(state.pointee.schedule.debt)
        guard owed > 0 else { return }
        _ = collectIncrement(withinBudgetStartedAt: started, limit: max(owed, pacing.minimumCandidates))
    }

    /// Runs an increment of at most `limit` candidates in what is left of
    /// the pause that began at `started` (a young collection ran first);
    /// nothing when the young collection took more than three quarters of
    /// the budget (the debt stays for the next one). The increment aims at
    /// three quarters of what is left — its cost per unit of work varies
    /// with the cache, and the budget is a maximum — and stops choosing
    /// candidates, about half of its time, when 40% of it has gone. With
    /// `always` (an explicit ``step()``), it runs even then, doing the
    /// pacing's minimum, so that steps always make progress; with no
    /// budget (0), it does the minimum and has no deadline.
    func collectIncrement(withinBudgetStartedAt started: Double, limit: Int, always: Bool = false) -> Int {
        let pacing = state.pointee.pacing
        let left = pacing.pauseBudget - (monotonicSeconds() - started)
        guard always || left > pacing.pauseBudget / 4 || pacing.pauseBudget <= 0 else { return 0 }
        let deadline = pacing.pauseBudget > 0 ? monotonicSeconds() + max(left * 0.4, pacing.pauseBudget * 0.1) : .infinity
        return collectIncrement(limit: limit, workLimit: state.pointee.schedule.work(within: left * 0.75, pacing: pacing),
                                pauseStarted: started, deadline: deadline)
    }

    // MARK: Incremental collection

    /// How the old generation is collected: whole (``CollectionMode/generational``,
    /// CPython's scheme and the default) or in increments
    /// (``CollectionMode/incremental``). Switching abandons nothing: each
    /// increment is complete in itself, and the next pass starts afresh.
    public var mode: CollectionMode {
        get { state.pointee.mode }
        nonmutating set {
            state.pointee.mode = newValue
            state.pointee.schedule.cursor = 0
            state.pointee.schedule.debt = 0
        }
    }

    /// The pause budget and pacing of incremental collection.
    public var pacing: IncrementalPacing {
        get { state.pointee.pacing }
        nonmutating set { state.pointee.pacing = newValue }
    }

    /// Runs one step of incremental collection now, in any mode: a young
    /// collection (generations 0 and 1), then one increment of the old
    /// generation in the time the pause budget leaves. Returns how many
    /// objects both found unreachable and kept so (counted as ``collect()``
    /// counts); 0 when a collection is already running. For runtimes that
    /// drive collection themselves, at a frame boundary or an idle moment.
    @discardableResult
    public func step() -> Int {
        let started = monotonicSeconds()
        let young = collectGenerations(through: 1)
        return young + collectIncrement(withinBudgetStartedAt: started, limit: Int.max, always: true)
    }

    /// Where incremental collection stands: increments and passes done,
    /// the current pass's progress, the work owed and the longest pause.
    public var incrementalProgress: IncrementalProgress {
        let schedule = state.pointee.schedule
        let old = state.pointee.generations[2].count
        return IncrementalProgress(increments: schedule.increments, passes: schedule.passes,
                                   visited: min(schedule.cursor, old), oldObjects: old,
                                   debt: Int(schedule.debt), longestPause: schedule.longestPause)
    }

    // MARK: Tracked objects

    /// The containers tracked in every generation (`gc.get_objects()`);
    /// frozen ones are not among them.
    public func objects() -> [RawRef] {
        state.pointee.objects(in: CollectorError.generations)
    }

    /// The containers tracked in `generation` (`gc.get_objects(generation)`).
    ///
    /// - Throws: ``CollectorError`` when `generation` is not 0, 1 or 2.
    public func objects(generation: Int) throws(CollectorError) -> [RawRef] {
        let checked = try CollectorError.checked(generation, "Collector.objects(generation:)")
        return state.pointee.objects(in: checked...checked)
    }

    /// Every tracked container, frozen ones included.
    var allTrackedObjects: [RawRef] { state.pointee.objects(in: 0...CollectorState.permanentGeneration) }

    /// Whether `object` is tracked (`gc.is_tracked`); also true for an
    /// unreachable object while the collection that found it runs its
    /// finalizers and callbacks, as in CPython.
    public func isTracked(_ object: borrowing Ref) -> Bool { !object.raw.flags.isDisjoint(with: .trackedInAnyWay) }

    /// Whether `object`'s finalizer has run (`gc.is_finalized`).
    public func isFinalized(_ object: borrowing Ref) -> Bool { object.raw.flags.contains(.finalized) }

    /// The objects `object` refers to directly (`gc.get_referents`).
    public func referents(of object: RawRef) -> [RawRef] {
        var referents: [RawRef] = []
        object.type.traverse?(object) { referents.append($0) }
        return referents
    }

    /// The objects any of `objects` refer to directly, in order
    /// (`gc.get_referents(*objs)`).
    public func referents(of objects: [RawRef]) -> [RawRef] { objects.flatMap { referents(of: $0) } }

    /// The tracked containers that refer to `object` (`gc.get_referrers`).
    public func referrers(of object: RawRef) -> [RawRef] {
        allTrackedObjects.filter { candidate in
            var refers = false
            candidate.type.traverse?(candidate) { if $0 == object { refers = true } }
            return refers
        }
    }

    // MARK: Freezing

    /// Moves every tracked container into the permanent generation, which
    /// collections ignore (`gc.freeze()`).
    public func freeze() {
        state.pointee.schedule.cursor = 0
        for object in objects() {
            state.pointee.untrack(object)
            state.pointee.track(object, generation: CollectorState.permanentGeneration)
        }
        state.pointee.counts = .zero
    }

    /// Moves the permanent generation back into the oldest (`gc.unfreeze()`).
    public func unfreeze() {
        for object in state.pointee.objects(in: CollectorState.permanentGeneration...CollectorState.permanentGeneration) {
            state.pointee.untrack(object)
            state.pointee.track(object, generation: 2)
        }
    }

    /// Containers in the permanent generation (`gc.get_freeze_count()`).
    public var frozenCount: Int { state.pointee.generations[CollectorState.permanentGeneration].count }

    // MARK: Callbacks and debugging

    /// Called at the start and end of every collection (`gc.callbacks`).
    public var callbacks: [CollectionCallback] {
        get { state.pointee.callbacks }
        nonmutating set { state.pointee.callbacks = newValue }
    }

    /// The collector's debugging output (`gc.set_debug` / `gc.get_debug`).
    public var debugFlags: CollectorDebugFlags {
        get { state.pointee.debugFlags }
        nonmutating set { state.pointee.debugFlags = newValue }
    }

    /// Where debugging lines go; stderr by default.
    public var debugSink: (String) -> Void {
        get { state.pointee.debugSink }
        nonmutating set { state.pointee.debugSink = newValue }
    }

    /// What collections found unreachable and kept (`gc.garbage`), oldest
    /// first: each uncollectable object — one whose type has `traverse`
    /// but no `clear`, kept with everything it reaches intact, as CPython
    /// keeps objects with a legacy finalizer — and, under
    /// ``CollectorDebugFlags/saveAll``, all the garbage.
    public var garbage: [RawRef] { state.pointee.garbage }

    /// Takes object `index` out of ``garbage`` (`gc.garbage.pop(index)`) and
    /// gives its reference to the caller: dropping the result releases it.
    ///
    /// - Throws: ``CollectorError`` when `index` is out of range.
    public func removeGarbage(at index: Int) throws(CollectorError) -> Ref {
        let count = state.pointee.garbage.count
        guard index >= 0 && index < count else {
            throw CollectorError(operation: "Collector.removeGarbage(at:)", reason: .garbageIndexOutOfRange(index, count: count))
        }
        return Ref(adopting: state.pointee.garbage.remove(at: index), heap: heap)
    }

    /// Empties ``garbage``, releasing its references (`del gc.garbage[:]`).
    public func releaseGarbage() {
        let saved = state.pointee.garbage
        state.pointee.garbage = []
        for object in saved { object.release() }
    }

    func debugLine(_ flag: CollectorDebugFlags, _ line: @autoclosure () -> String) {
        if state.pointee.debugFlags.contains(flag) { state.pointee.debugSink(line()) }
    }

    func notifyCallbacks(_ phase: CollectionPhase, _ info: CollectionInfo) {
        for callback in state.pointee.callbacks { callback(phase, info) }
    }
}

extension Heap {
    /// The heap's cycle collector: collections, their scheduling and
    /// statistics, and the rest of the `gc` module's surface.
    public var collector: Collector { Collector(heap: self) }
}
