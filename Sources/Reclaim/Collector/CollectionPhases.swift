// Unsafe code here: the phases read the generation tables in place, as
// buffers over their storage (`CollectionWork.runs`), and write promoted
// survivors straight into the older table's storage.
// Invariants: a run's table is not resized while a collection uses it — its
// room for survivors is reserved before phase 3, and nothing else tracks
// objects during a collection; a slot is written only below that capacity,
// and the table's count is set once the writes are done.

extension Collector {
    /// How many candidates ahead phase 2 prefetches.
    static let prefetchDistance = 8

    // MARK: Collection

    /// The collection of generations 0 through `generation` (0…2).
    func collectGenerations(through generation: Int) -> Int {
        assert(CollectorError.generations.contains(generation), "Collector.collect: generation \(generation) is not 0, 1 or 2")
        heap.requireAlive("Collector.collect")
        guard !state.pointee.isCollecting else { return 0 }
        state.pointee.isCollecting = true
        defer { state.pointee.isCollecting = false }

        let started = monotonicSeconds()
        let examined = state.pointee.trackedCount(through: generation)
        notifyCallbacks(.start, CollectionInfo(generation: generation, collected: 0, uncollectable: 0,
                                               candidates: examined, duration: 0))
        debugLine(.stats, "gc: collecting generation \(generation)...")
        debugLine(.stats, "gc: objects in each generation: "
                  + (0..<3).map { String(state.pointee.generations[$0].count) }.joined(separator: " "))

        state.pointee.ranUserCode = false
        // A whole collection of the old generation rewrites its table: an
        // incremental pass starts afresh after it.
        if generation == 2 { state.pointee.schedule.cursor = 0 }
        state.pointee.survivorGeneration = min(generation + 1, 2)
        let olderTable = state.pointee.generations + min(generation + 1, 2)
        let olderCount = olderTable.pointee.count, oldestCount = state.pointee.generations[2].count
        // Decided once, before phase 1: nothing in phases 1 to 3 runs user code.
        let holdsGarbage = canRunUserCode
        var work = gatherCandidates(through: generation)
        work.keepsLeftoverInTable = !holdsGarbage
        subtractInternalReferences(&work)
        checkScratchCounts(work)
        markAndPromoteReachable(&work, from: generation)
        let found: Int, uncollectable: Int
        if holdsGarbage {
            var unreachable = promoteSurvivors(&work, from: generation)
            untrackAtomicDicts(work.survivingDicts)
            checkAfterPromotion(collected: generation, olderCount: olderCount, garbage: { unreachable.objects.forEach($0) }, held: true)
            state.pointee.updateLongLivedCounts(promoted: olderTable.pointee.count - olderCount, from: generation)
            let setAside = setAsideUncollectable(&unreachable, generation: generation)
            let weakReferences = handleWeakReferences(unreachable)
            finalizeUnreachable(unreachable)
            let garbage = removeResurrected(unreachable.objects)
            uncollectable = setAside + disposeOfGarbage(garbage, generation: generation)
            withExtendedLifetime(weakReferences.dropped) {}
            // As CPython counts: what is still unreachable once resurrected
            // objects are removed, the weak references their callbacks
            // freed, and the uncollectable.
            found = garbage.count + weakReferences.freed + setAside
        } else {
            let garbage = promoteSurvivorsWithoutHolding(&work, from: generation)
            untrackAtomicDicts(work.survivingDicts)
            checkAfterPromotion(collected: generation, olderCount: olderCount, garbage: { garbage.forEach($0) }, held: false)
            state.pointee.updateLongLivedCounts(promoted: olderTable.pointee.count - olderCount, from: generation)
            uncollectable = clearUnheldGarbage(garbage, generation: generation)
            freeClearedGarbage(garbage)
            found = garbage.count
        }

        checkTablesAfterCollection(collected: generation, oldestCount: oldestCount)
        state.pointee.updateCounts(afterCollecting: generation)
        let collected = found - uncollectable
        let duration = monotonicSeconds() - started
        state.pointee.statistics[generation].collections += 1
        state.pointee.statistics[generation].collected += collected
        state.pointee.statistics[generation].candidates += work.gathered
        state.pointee.statistics[generation].duration += duration
        state.pointee.pauses.record(seconds: duration, generation: generation)
        heap.publishFigures()
        debugLine(.stats, "gc: done, \(found) unreachable, \(uncollectable) uncollectable, "
                  + "\(String(Int(duration * 1e6))) µs elapsed")
        notifyCallbacks(.stop, CollectionInfo(generation: generation, collected: collected, uncollectable: uncollectable,
                                              candidates: work.gathered, duration: duration))
        return found
    }

    /// The end of the garbage: reported to the debug sink, then kept in
    /// ``garbage`` under `saveAll`, or else cleared and freed. Returns how
    /// many objects were uncollectable.
    func disposeOfGarbage(_ garbage: [RawRef], generation: Int) -> Int {
        if !state.pointee.debugFlags.isDisjoint(with: [.collectable, .uncollectable]) {
            for object in garbage {
                let (name, collectable) = object.withType { ($0.name, $0.clear != nil) }
                // CPython's debug_cycle: `gc: collectable <list 0x7f…>`.
                if collectable {
                    debugLine(.collectable, "gc: collectable <\(name) \(object.pointer)>")
                } else {
                    debugLine(.uncollectable, "gc: uncollectable <\(name) \(object.pointer)>")
                }
            }
        }
        guard !state.pointee.debugFlags.contains(.saveAll) else {
            // Kept alive by the references held since phase 4, now the garbage list's.
            for object in garbage { trackHeldAmongSurvivors(object) }
            state.pointee.garbage += garbage
            return 0
        }
        return clearGarbage(garbage, generation: generation)
    }

    /// Phase 1: marks every container of generations 0…`generation`
    /// `collecting`, with its reference count as its scratch count and its
    /// position. The tables stay as they are until phase 3 empties them.
    ///
    /// The table the survivors go to is given room for all of them first:
    /// phase 3 writes them straight into it, and when generation 2 is
    /// collected that is the table it is reading, so it must not move.
    func gatherCandidates(through generation: Int) -> CollectionWork {
        let older = min(generation + 1, 2)
        var total = 0
        for level in 0...generation { total += state.pointee.generations[level].count }
        let olderTable = state.pointee.generations + older
        olderTable.pointee.reserveCapacity(generation == 2 ? total : olderTable.pointee.count + total)
        // Phase 3 may keep what it passes at the top of this room (`CollectionWork.tableLeftoverCount`).
        assert(olderTable.pointee.capacity >= total, "Collector: the survivors' table has no room for every candidate")
        var work = CollectionWork()
        var position = 0
        for level in stride(from: generation, through: 0, by: -1) {
            let table = state.pointee.generations + level
            let count = table.pointee.count
            guard count > 0, let storage = table.pointee.storage else { continue }
            let run = CandidateRun(judging: UnsafeBufferPointer(start: storage, count: count))
            let candidates = run.candidates
            @inline(__always) func gather(_ index: Int) {
                let object = candidates[index]
                object.gcWord = ScratchWord.make(position: position &+ index, count: object.refcount)
                object.flags = object.flags.subtracting(.tracked).union(.collecting)
            }
            if run.isScattered {
                // The first pass over the candidates' headers: where they
                // lie scattered, nearly every one would wait for memory.
                let ahead = 3 &* Collector.prefetchDistance
                for index in 0..<count {
                    if index &+ ahead < count { candidates[index &+ ahead].prefetchBlock() }
                    gather(index)
                }
            } else {
                for index in 0..<count { gather(index) }
            }
            work.gathered &+= count
            work.runs.append(run)
            if level == 2 && generation == 2 { work.overwrittenRuns = 1 }
            position += count
        }
        return work
    }

    /// Phase 2: subtracts every reference between candidates.
    ///
    /// In a run that lies scattered, the candidates ahead are prefetched in
    /// three stages (see `prefetchForTraversal(at:)`), so that the cache
    /// misses overlap instead of queueing. A run that does not is read as
    /// the processor's prefetcher streams it: prefetching each candidate's
    /// referents there cost the tree of the gc suite 53 of its 99
    /// instructions a node in this phase, for no time.
    func subtractInternalReferences(_ work: inout CollectionWork) {
        for entry in work.runs {
            let run = entry.candidates, count = run.count, scattered = entry.isScattered
            for index in 0..<count {
                if scattered { run.prefetchForTraversal(at: index) }
                let object = run[index]
                object.traverseReferents { referent in
                    if referent.isCollecting { referent.gcWord &-= 1 }
                }
            }
        }
    }

    /// Phase 3: marks candidates referenced from outside, and all they
    /// reach. Counts the reachable ones.
    ///
    /// The candidates are scanned in order (CPython's `move_unreachable`),
    /// so a graph allocated parent before child — a tree built top-down —
    /// is marked in one sequential pass. A candidate is traversed when the
    /// scan reaches it if it has references from outside or was marked
    /// before; a referent the scan has already passed (its position, kept
    /// in its scratch word, is behind the scan's) goes on a stack and is
    /// traversed at once, depth first, which follows chains and rings in
    /// the order they were allocated. Each reachable candidate is
    /// traversed exactly once.
    ///
    /// The scan also promotes each candidate it traverses there and then —
    /// phase 4's work, done while its header is at hand and in address
    /// order — writing it into the next older table (when that is
    /// generation 2's own table, over places the scan has passed: promoted
    /// candidates never outnumber them). The scanned tables are emptied
    /// after. What the scan passes without traversing is left to phase 4:
    /// promoting candidates traversed from the stack here scatters table
    /// writes among the stack's cache misses, which costs more than it saves.
    func markAndPromoteReachable(_ work: inout CollectionWork, from generation: Int) {
        scanMarking(&work, promotingFrom: generation)
    }

    /// Phase 7's mark over the unreachable set: ``markAndPromoteReachable(_:from:)``'s
    /// scan without the promotion (the caller decides what survives).
    func markReachable(_ work: inout CollectionWork) {
        scanMarking(&work, promotingFrom: nil)
    }

    /// The scan of phases 3 and 7, promoting as it goes when `generation`
    /// (the one collected) is given.
    @inline(__always)
    private func scanMarking(_ work: inout CollectionWork, promotingFrom generation: Int?) {
        var pending = GrowableBuffer<RawRef>()
        var reachable = 0, promoted = 0, untracked = 0
        let older = generation.map { min($0 + 1, 2) } ?? 2
        let olderTable = state.pointee.generations + older
        // Where promoted candidates go: generation 2's table is rewritten
        // from its start; a younger older table is appended to.
        let firstSlot = generation == 2 ? 0 : olderTable.pointee.count
        let slots = olderTable.pointee.storage
        var leftover = GrowableBuffer<RawRef>()
        var base = 0
        for (runIndex, entry) in work.runs.enumerated() {
            let run = entry.candidates
            let keepingLeftover = generation != nil && runIndex < work.overwrittenRuns
            if let generation, keepingLeftover && work.keepsLeftoverInTable {
                work.tableLeftoverCount = scanKeepingLeftoverInTable(
                    run, scattered: entry.isScattered, from: base, work: &work, generation: generation,
                    slots: slots.unsafelyUnwrapped,
                    pending: &pending, reachable: &reachable, promoted: &promoted, untracked: &untracked)
                base &+= run.count
                continue
            }
            if keepingLeftover { leftover.reserveCapacity(run.count) }
            let scattered = entry.isScattered
            for index in 0..<run.count {
                if scattered { run.prefetchForTraversal(at: index) }
                let object = run[index]
                let position = base &+ index
                let flags = object.flags
                if !flags.contains(.reachable) {
                    guard ScratchWord.count(object.gcWord) > 0 else {
                        // Unreachable unless found later.
                        if keepingLeftover { leftover.append(object) }
                        continue
                    }
                    object.flags.insert(.reachable)
                    reachable &+= 1
                }
                // `markReachable(from:at:pending:reachable:)`, written out:
                // called from both loops, the compiler keeps it out of line
                // despite `@inline(__always)`, and this loop, which every
                // collection runs, then costs 18 more instructions a
                // candidate (callgrind, rings-live-rootfirst-first at 100k).
                var next: RawRef? = object
                while let current = next {
                    current.traverseReferents { referent in
                        guard referent.isCollecting, !referent.flags.contains(.reachable) else { return }
                        referent.flags.insert(.reachable)
                        reachable &+= 1
                        if ScratchWord.position(referent.gcWord) < position { pending.append(referent) }
                    }
                    next = pending.popLast()
                }
                if let generation {
                    if leavesTables(object, survivingCollectionOf: generation, dicts: &work.survivingDicts) {
                        untrackSurvivor(object)
                        untracked &+= 1
                        continue
                    }
                    let slot = firstSlot &+ promoted
                    (slots! + slot).initialize(to: object)
                    promote(object, to: older, at: slot)
                    promoted &+= 1
                }
            }
            base &+= run.count
        }
        if let generation {
            for level in 0...generation where level != older { state.pointee.generations[level].removeAll() }
            olderTable.pointee.setCount(firstSlot + promoted)
        }
        work.reachableCount = reachable
        work.promotedCount = promoted
        work.untrackedCount = untracked
        work.leftover = leftover
    }

    /// Phase 3's scan of the old table's own run in a full collection that
    /// holds no garbage, keeping what it passes inside the table. Returns
    /// how many it kept, now at the top of the room phase 1 reserved.
    ///
    /// The promoted fill slots 0 ..< promoted, and what the scan passes
    /// stays in a block right behind it, index - kept ..< index, with free
    /// places between the two. Each step keeps that so: a candidate
    /// promoted or untracked leaves the place just read, and the block's
    /// first entry moves up into it (before a promotion writes, as that may
    /// be the place it writes to). A loop of its own, so that the other
    /// runs' scan carries none of this.
    @inline(never)
    private func scanKeepingLeftoverInTable(_ run: UnsafeBufferPointer<RawRef>, scattered: Bool, from base: Int,
                                            work: inout CollectionWork, generation: Int,
                                            slots: UnsafeMutablePointer<RawRef>,
                                            pending: inout GrowableBuffer<RawRef>, reachable: inout Int,
                                            promoted: inout Int, untracked: inout Int) -> Int {
        assert(generation == 2 && UnsafePointer(slots) == run.baseAddress,
               "Collector: only the old table's own run keeps its leftover in place")
        var kept = 0
        for index in 0..<run.count {
            // Reads ahead of the scan only: every write here lands at or below `index`.
            if scattered { run.prefetchForTraversal(at: index) }
            let object = run[index]
            let flags = object.flags
            if !flags.contains(.reachable) {
                guard ScratchWord.count(object.gcWord) > 0 else {
                    // Unreachable unless found later: it joins the block.
                    kept &+= 1
                    continue
                }
                object.flags.insert(.reachable)
                reachable &+= 1
            }
            markReachable(from: object, at: base &+ index, pending: &pending, reachable: &reachable)
            if kept > 0 { slots[index] = slots[index &- kept] }
            if leavesTables(object, survivingCollectionOf: generation, dicts: &work.survivingDicts) {
                untrackSurvivor(object)
                untracked &+= 1
                continue
            }
            slots[promoted] = object
            promote(object, to: 2, at: promoted)
            promoted &+= 1
        }
        // Out of the way of the promotions from the runs after this one:
        // to the top of the room phase 1 reserved, which they never reach
        // (they and the kept together are at most `gathered`).
        let top = work.gathered &- kept
        if kept > 0 && top != run.count &- kept {
            (slots + top).update(from: slots + (run.count &- kept), count: kept)
        }
        return kept
    }

    /// Marks everything `object` (reachable, at `position`) reaches among
    /// the candidates: those behind the scan at once, depth first, through
    /// `pending`; those ahead are marked for the scan to traverse.
    @inline(__always)
    private func markReachable(from object: RawRef, at position: Int, pending: inout GrowableBuffer<RawRef>,
                               reachable: inout Int) {
        var next: RawRef? = object
        while let current = next {
            current.traverseReferents { referent in
                guard referent.isCollecting, !referent.flags.contains(.reachable) else { return }
                referent.flags.insert(.reachable)
                reachable &+= 1
                if ScratchWord.position(referent.gcWord) < position { pending.append(referent) }
            }
            next = pending.popLast()
        }
    }

    /// A reachable candidate written into slot `slot` of `older`'s table.
    @inline(__always)
    private func promote(_ object: RawRef, to older: Int, at slot: Int) {
        object.gcWord = GCWord.make(generation: older, index: slot)
        object.flags = object.flags.subtracting([.collecting, .reachable]).union(.tracked)
    }

    /// A reachable candidate that leaves the tables instead of being promoted.
    @inline(__always)
    private func untrackSurvivor(_ object: RawRef) {
        object.gcWord = RawRef.untrackedGCWord
        object.flags = object.flags.subtracting([.collecting, .reachable, .tracked])
    }

    /// Phase 4: the reachable candidates phase 3 left go to the next older
    /// generation (the oldest stays). Unreachable ones stay out of every
    /// table, untracked, and are held (a reference each, so nothing frees
    /// them while user code runs in phases 5 and 6) until freed or
    /// resurrected; the same pass notes which have weak references and
    /// which have a finalizer still to run.
    func promoteSurvivors(_ work: inout CollectionWork, from generation: Int) -> UnreachableSet {
        let older = min(generation + 1, 2)
        var dicts = work.survivingDicts
        defer { work.survivingDicts = dicts }
        var unreachable = UnreachableSet()
        unreachable.objects.reserveCapacity(work.gathered - work.reachableCount)
        forEachLeftover(work) { object, flags in
            if flags.contains(.reachable) {
                promoteLeftover(object, flags: flags, into: older, from: generation, dicts: &dicts)
                return
            }
            hold(object, flags: flags, in: &unreachable)
        }
        return unreachable
    }

    /// Holds an unreachable candidate, out of every table: a reference,
    /// so nothing frees it while user code runs in phases 5 and 6, and the
    /// `held` flag. Notes it in `unreachable`, with whether it has weak
    /// references, is one, or has a finalizer still to run.
    @inline(__always)
    func hold(_ object: RawRef, flags: HeaderFlags, in unreachable: inout UnreachableSet) {
        object.flags = flags.subtracting([.collecting, .tracked]).union(.held)
        object.gcWord = RawRef.untrackedGCWord
        object.retain()
        unreachable.objects.append(object)
        if flags.contains(.hasWeakReferences) { unreachable.withWeakReferences.append(object) }
        object.withType { type in
            if !flags.contains(.finalized) && type.hasFinalizer { unreachable.toFinalize.append(object) }
            if type.kind == .weakReference { unreachable.weakReferences.append(object) }
            if type.isUncollectable { unreachable.uncollectable.append(object) }
        }
    }

    /// Calls `body` with each candidate phase 3 did not promote (and its
    /// flags): those it noted in the runs it overwrote, then those still
    /// `collecting` in the other runs. Nothing when it promoted them all.
    @inline(__always)
    func forEachLeftover(_ work: borrowing CollectionWork, _ body: (RawRef, HeaderFlags) -> Void) {
        guard work.promotedCount + work.untrackedCount < work.gathered else { return }
        for index in 0..<work.leftover.count {
            let object = work.leftover[index]
            body(object, object.flags)
        }
        for run in work.runs.dropFirst(work.overwrittenRuns).lazy.map(\.candidates) {
            for object in run {
                let flags = object.flags
                if flags.contains(.collecting) { body(object, flags) }
            }
        }
    }

    /// Promotes a reachable candidate phase 3 left, unless it leaves the
    /// tables (``leavesTables(_:survivingCollectionOf:dicts:)``).
    @inline(__always)
    func promoteLeftover(_ object: RawRef, flags: HeaderFlags, into older: Int, from generation: Int,
                         dicts: inout [RawRef]) {
        object.flags = flags.subtracting([.collecting, .reachable])
        if leavesTables(object, survivingCollectionOf: generation, dicts: &dicts) {
            object.gcWord = RawRef.untrackedGCWord
        } else {
            state.pointee.track(object, generation: older)
        }
    }

    /// Whether a survivor of the collection of `generation`, about to be
    /// promoted, leaves the tables instead, as CPython untracks survivors
    /// that cannot be part of a cycle: a tuple whose items are none of them
    /// containers that may be tracked (`untrack_tuples`). A dict surviving
    /// a full collection is noted in `dicts`, to be checked once every
    /// tuple has been (`untrack_dicts`, ``untrackAtomicDicts(_:)``).
    ///
    /// Only survivors: an unreachable tuple stays a candidate, so it counts
    /// among the garbage as in CPython.
    @inline(__always)
    func leavesTables(_ object: RawRef, survivingCollectionOf generation: Int, dicts: inout [RawRef]) -> Bool {
        switch object.withType({ $0.kind }) {
        case .tuple:
            // A zeroed slot is a tuple still being built: it stays (CPython
            // keeps a tuple with a NULL item tracked).
            return object.tupleSlots.allSatisfy { slot in slot.map { !RawRef(pointer: $0).mayBeTracked } ?? false }
        case .dict where generation == 2:
            dicts.append(object)
            return false
        default:
            return false
        }
    }

    /// After a full collection's promotions: untracks each surviving dict
    /// whose keys and values cannot be part of a cycle (CPython untracks
    /// dicts in full collections only, issue 14775, so that building a
    /// dict never costs quadratic time). A dict is tracked again as soon as
    /// such an object is stored in it.
    func untrackAtomicDicts(_ dicts: [RawRef]) {
        for dict in dicts where dict.flags.contains(.tracked) {
            var atomic = true
            dict.forEachDictEntry { key, value in
                if atomic && (key.mayBeTracked || value.mayBeTracked) { atomic = false }
            }
            if atomic { state.pointee.untrack(dict) }
        }
    }

    /// Whether this collection might call user code on its unreachable
    /// objects: a finalizer (some object's type has one), a weak reference
    /// callback (some object has weak references), or a debug sink that
    /// reports or keeps the garbage — or might find an uncollectable
    /// object, which the held path sets aside. When none can, nothing can make an
    /// unreachable object reachable again, so phases 5–7 have nothing to
    /// do and the garbage needs no holding: phases 4 and 8 then run as
    /// ``promoteSurvivorsWithoutHolding(_:from:)``, ``clearUnheldGarbage(_:generation:)``
    /// and ``freeClearedGarbage(_:)``.
    var canRunUserCode: Bool {
        state.pointee.heldCollectionObjects > 0
            || !heap.weakReferenceTable.pointee.isEmpty
            || !state.pointee.debugFlags.isDisjoint(with: [.collectable, .uncollectable, .saveAll])
    }

    /// Phase 4 when no user code can run: promotes the reachable candidates
    /// phase 3 left and gathers the unreachable ones, without holding them:
    /// they stay `collecting` until freed.
    ///
    /// The garbage is written where the candidates were read
    /// (``UnheldGarbage``), so the phase allocates nothing:
    /// - in each run of a younger table, compacted to the run's start (the
    ///   table is empty now, and nothing is tracked into it before the
    ///   collection ends);
    /// - in a full collection, the leftover phase 3 kept at the top of the
    ///   old table is split in place, reachable below and garbage above;
    ///   the reachable ones are then appended to the table, each to a slot
    ///   at or below the one it is read from (the table's count is at most
    ///   the block's first slot), and the garbage stays above every
    ///   survivor, since survivors and garbage together are at most the
    ///   candidates. Their order is lost, which nothing on this path can
    ///   observe.
    ///
    /// Nothing is cleared in this pass: clearing one garbage object can
    /// free an object outside the candidates (an older container only the
    /// garbage refers to), whose destruction releases candidates — which
    /// must all be promoted by then, or this pass would read or promote
    /// freed ones.
    func promoteSurvivorsWithoutHolding(_ work: inout CollectionWork, from generation: Int) -> UnheldGarbage {
        let older = min(generation + 1, 2)
        var dicts = work.survivingDicts
        defer { work.survivingDicts = dicts }
        var garbage = UnheldGarbage()
        guard work.promotedCount + work.untrackedCount < work.gathered else { return garbage }
        let kept = work.tableLeftoverCount
        if kept > 0 {
            let block = state.pointee.generations[older].storage.unsafelyUnwrapped + (work.gathered &- kept)
            var low = 0, high = kept
            while true {
                while low < high && block[low].flags.contains(.reachable) { low &+= 1 }
                while low < high && !block[high &- 1].flags.contains(.reachable) { high &-= 1 }
                guard low < high else { break }
                let lower = block[low]
                block[low] = block[high &- 1]
                block[high &- 1] = lower
                low &+= 1
                high &-= 1
            }
            for index in 0..<low {
                let object = block[index]
                promoteLeftover(object, flags: object.flags, into: older, from: generation, dicts: &dicts)
            }
            for index in low..<kept { block[index].gcWord = RawRef.untrackedGCWord }
            garbage.append(block + low, count: kept &- low)
        }
        for run in work.runs.dropFirst(work.overwrittenRuns).lazy.map(\.candidates) {
            guard let start = run.baseAddress else { continue }
            let slots = UnsafeMutablePointer(mutating: start)
            var found = 0
            for index in 0..<run.count {
                let object = slots[index]
                let flags = object.flags
                guard flags.contains(.collecting) else { continue }
                if flags.contains(.reachable) {
                    promoteLeftover(object, flags: flags, into: older, from: generation, dicts: &dicts)
                    continue
                }
                object.gcWord = RawRef.untrackedGCWord
                slots[found] = object
                found &+= 1
            }
            garbage.append(slots, count: found)
        }
        // The leftover of an overwritten run kept outside the table (a
        // collection that holds its garbage does not come here).
        assert(work.leftover.isEmpty, "Collector: phase 3 kept its leftover outside the table on the unheld path")
        return garbage
    }

    /// Phase 8's clearing after ``promoteSurvivorsWithoutHolding(_:from:)``:
    /// breaks every cycle of the unheld garbage. A release that takes a
    /// garbage object to zero leaves it for ``freeClearedGarbage(_:)``
    /// (`destroyObject` checks `collecting`), so clearing one never frees
    /// another still to be cleared. An instance's reference to another
    /// garbage object is dropped by decrementing its count alone
    /// (`clearInstance`); its references to survivors are released, and
    /// what that frees is freed by reference counting as usual. An object
    /// whose type has no `clear` is uncollectable and left as it is.
    /// Returns how many were uncollectable.
    func clearUnheldGarbage(_ garbage: UnheldGarbage, generation: Int) -> Int {
        var uncollectable = 0
        garbage.forEachSegment { segment in
            segment.forEachToClear { object in
                if !clearReferences(of: object) { uncollectable += 1 }
            }
        }
        state.pointee.statistics[generation].uncollectable += uncollectable
        return uncollectable
    }

    /// Phase 8's freeing after ``clearUnheldGarbage(_:generation:)``:
    /// each cleared object no other object refers to any more is freed;
    /// one still referred to (by an uncollectable object) lives on among
    /// the survivors (the next older generation), as do the uncollectable ones.
    ///
    /// A cleared instance — the common case — is freed directly: it has no
    /// finalizer (none can run on this path), no weak references and no
    /// references left, so of the destruction protocol only the freeing
    /// and the container count remain.
    func freeClearedGarbage(_ garbage: UnheldGarbage) {
        garbage.forEachSegment { segment in
            for index in segment.indices {
                segment.prefetchBlock(aheadOf: index)
                freeCleared(segment[index])
            }
        }
    }

    /// ``freeClearedGarbage(_:)`` for one object.
    @inline(__always)
    private func freeCleared(_ object: RawRef) {
        let flags = object.flags.subtracting(.collecting)
        object.flags = flags
        guard object.refcount == 0 else {
            state.pointee.track(object, generation: state.pointee.survivorGeneration)
            return
        }
        let freed = object.withType { type -> Bool in
            guard type.kind == .instance, !type.hasClassObject, !flags.contains(.hasWeakReferences) else { return false }
            heap.countContainerFreed()
            heap.free(object, type: type)
            return true
        }
        if !freed { heap.destroyObject(object) }
    }

    /// Phase 4½, on the held path: sets aside the garbage the collector
    /// cannot free — each object whose type has no `clear`, and every
    /// unreachable object it reaches — as CPython does with objects that
    /// have a legacy finalizer (`move_legacy_finalizers` and
    /// `move_legacy_finalizer_reachable`). They are left intact: no weak
    /// reference to them is cleared, no finalizer runs, nothing is cleared.
    /// They go back among the survivors, and the uncollectable ones
    /// themselves to ``garbage`` (every one of them under `saveAll`),
    /// which takes over the reference held since phase 4. Returns how many
    /// were set aside: the collection's uncollectable count.
    func setAsideUncollectable(_ unreachable: inout UnreachableSet, generation: Int) -> Int {
        guard !unreachable.uncollectable.isEmpty else { return 0 }
        let members = Set(unreachable.objects)
        var kept = Set(unreachable.uncollectable)
        var pending = unreachable.uncollectable
        while let object = pending.popLast() {
            object.withType { type in
                type.traverse?(object) { referent in
                    if members.contains(referent) && kept.insert(referent).inserted { pending.append(referent) }
                }
            }
        }
        let saveAll = state.pointee.debugFlags.contains(.saveAll)
        for object in unreachable.objects where kept.contains(object) {
            let isUncollectable = object.withType { $0.isUncollectable }
            // CPython's debug_cycle: `gc: uncollectable <Node 0x7f…>`.
            debugLine(.uncollectable, "gc: uncollectable <\(object.type.name) \(object.pointer)>")
            trackHeldAmongSurvivors(object)
            if isUncollectable || saveAll {
                state.pointee.garbage.append(object)
            } else {
                // An uncollectable object refers to it, so this is not the last reference.
                object.release()
            }
        }
        unreachable.remove(kept)
        state.pointee.statistics[generation].uncollectable += kept.count
        return kept.count
    }

    /// Phase 5: clears weak references to unreachable objects before any
    /// finalizer or clear can see them; a callback runs only when its weak
    /// reference is not itself unreachable.
    ///
    /// First every weak reference that is garbage itself is cleared, its
    /// callback dropped unrun, whatever its referent (CPython's fix of
    /// bpo-38006): its referent may be outside the unreachable set — held
    /// only through a type that does not traverse — and die while the
    /// garbage is cleared, when a callback would see half-cleared objects.
    /// Then the weak references to unreachable objects are cleared; those
    /// left with a callback are reachable, and their callbacks run.
    ///
    /// Returns how many of those reachable weak references were freed once
    /// their callback was done (CPython counts them as collected), and the
    /// callbacks dropped unrun: the caller keeps them until the garbage is
    /// freed, since releasing what a closure captured can run user code
    /// (CPython too keeps a cleared weakref's callback until then).
    func handleWeakReferences(_ unreachable: UnreachableSet) -> (freed: Int, dropped: [WeakReferenceCallback]) {
        let dropped = unreachable.weakReferences.compactMap { heap.weakReferenceTable.pointee.forget($0) }
        guard !unreachable.withWeakReferences.isEmpty else { return (0, dropped) }
        var pending: [(RawRef, WeakReferenceCallback)] = []
        for object in unreachable.withWeakReferences {
            pending += heap.weakReferenceTable.pointee.clear(referent: object)
        }
        if !pending.isEmpty { state.pointee.ranUserCode = true }
        return (heap.runWeakReferenceCallbacks(pending, byCollector: true), dropped)
    }

    /// Phase 6: runs the finalizers that have not run yet, with the cycles
    /// intact (the objects are held since phase 4).
    func finalizeUnreachable(_ unreachable: UnreachableSet) {
        for object in unreachable.toFinalize where !object.flags.contains(.finalized) {
            state.pointee.ranUserCode = true
            heap.callFinalizer(of: object, type: object.type)
        }
    }

    /// Phase 7: counts again over the unreachable set; what a finalizer made
    /// reachable from outside, and all it reaches, survives into the next
    /// older generation (`trackHeldAmongSurvivors`). Returns the garbage left.
    func removeResurrected(_ unreachable: [RawRef]) -> [RawRef] {
        guard !unreachable.isEmpty else { return [] }
        // Only code run since phase 4 — finalizers, weak reference
        // callbacks — can make an object reachable again: without any, the
        // set is unchanged and the recount is skipped.
        guard state.pointee.ranUserCode else { return unreachable }
        for (position, object) in unreachable.enumerated() {
            // Less the reference held since phase 4.
            object.gcWord = ScratchWord.make(position: position, count: object.refcount &- 1)
            object.flags.insert(.collecting)
        }
        unreachable.withUnsafeBufferPointer { run in
            var work = CollectionWork(runs: [CandidateRun(inOrder: run)], gathered: unreachable.count)
            subtractInternalReferences(&work)
            checkScratchCounts(work)
            markReachable(&work)
        }
        var garbage: [RawRef] = []
        for object in unreachable {
            let reachable = object.flags.contains(.reachable)
            object.flags = object.flags.subtracting([.collecting, .reachable])
            object.gcWord = RawRef.untrackedGCWord
            if reachable {
                trackHeldAmongSurvivors(object)
                object.release()
            } else {
                garbage.append(object)
            }
        }
        return garbage
    }

    /// Tracks again, in the generation this collection's survivors go to
    /// (the next older one; the oldest stays), an object it held (`held`):
    /// resurrected, kept under `saveAll`, or uncollectable — as CPython's
    /// `handle_resurrected_objects` moves resurrected objects to the next
    /// older generation, so a `collect(1)` after a `collect(0)` examines
    /// what the first one resurrected.
    func trackHeldAmongSurvivors(_ object: RawRef) {
        object.flags.remove(.held)
        state.pointee.track(object, generation: state.pointee.survivorGeneration)
    }

    /// Phase 8: breaks the cycles, then drops the references held since
    /// phase 4, so reference counting frees every object once. An object
    /// whose type has no `clear` cannot break its cycle: it goes back to
    /// the survivors' generation and counts as uncollectable. Returns how many did.
    @discardableResult
    func clearGarbage(_ garbage: [RawRef], generation: Int) -> Int {
        var uncollectable = 0
        garbage.withUnsafeBufferPointer { garbage in
            garbage.forEachToClear { object in
                if !clearReferences(of: object) {
                    trackHeldAmongSurvivors(object)
                    uncollectable += 1
                }
            }
            // The references held since phase 4; the last one frees the object.
            for index in garbage.indices {
                garbage.prefetchBlock(aheadOf: index)
                let object = garbage[index]
                let count = object.refcount
                if count == 1 {
                    heap.destroyObject(object)
                } else {
                    // Still referred to (by an uncollectable object): it lives on, tracked.
                    object.refcount = count &- 1
                    if !object.flags.contains(.tracked) { trackHeldAmongSurvivors(object) }
                }
            }
        }
        state.pointee.statistics[generation].uncollectable += uncollectable
        return uncollectable
    }

    /// Breaks an unreachable object's references with its type's `clear`
    /// (instances, the common case, inline); false when the type has none.
    @inline(__always)
    func clearReferences(of object: RawRef) -> Bool {
        object.withType { type -> Bool in
            if type.kind == .instance {
                object.clearInstance(slotCount: type.instanceSlotCount)
                return true
            }
            guard let clear = type.clear else { return false }
            clear(object, heap)
            return true
        }
    }
}

extension UnsafeBufferPointer where Element == RawRef {
    /// Prefetches for a pass that reads the candidates of this run in
    /// order and traverses them, at candidate `index`, in three stages,
    /// each reading what the one before brought into the cache (and each
    /// inside the run: the position is checked against `count`) — a
    /// candidate's block `3 × Collector.prefetchDistance` ahead, a list's
    /// or dict's storage twice the distance ahead, the referents' headers
    /// once the distance ahead. Reading a candidate's type or storage to
    /// find its referents would otherwise wait for memory itself wherever
    /// the candidates are spread over the heap.
    @inline(__always)
    func prefetchForTraversal(at index: Int) {
        let ahead = Collector.prefetchDistance
        if index &+ 3 &* ahead < count { self[index &+ 3 &* ahead].prefetchBlock() }
        if index &+ 2 &* ahead < count { self[index &+ 2 &* ahead].prefetchStorage() }
        if index &+ ahead < count { self[index &+ ahead].prefetchReferents() }
    }

    /// Prefetches for a pass that clears the garbage of this run in order,
    /// at object `index`. Each stage reads what the one before brought into
    /// the cache: an object's block 12 places ahead, its storage block's
    /// first line 8 ahead, and, for a list or a dict, the headers of what it
    /// refers to 4 ahead. The garbage of a full collection is spread over
    /// the heap, so without this nearly every read of the clearing waits
    /// for memory. An instance's referents are left alone: prefetching them
    /// cost a tree of instances, laid out in order, 4% more instructions
    /// for no time.
    @inline(__always)
    private func prefetchForClearing(at index: Int) {
        if index &+ 12 < count { self[index &+ 12].prefetchBlock() }
        if index &+ 8 < count { self[index &+ 8].prefetchStorage() }
        if index &+ 4 < count, self[index &+ 4].hasStorage { self[index &+ 4].prefetchReferents() }
    }

    /// Calls `body` with each object in turn, for a pass that clears
    /// them: prefetching in stages (``prefetchForClearing(at:)``) where
    /// the objects lie scattered, as a full collection's garbage does; in
    /// order, as the trees of `binary-trees` lie, the processor streams
    /// them, and the stages cost that program 2.7% of its instructions.
    @inline(__always)
    func forEachToClear(_ body: (RawRef) -> Void) {
        if liesScattered {
            for index in indices {
                prefetchForClearing(at: index)
                body(self[index])
            }
        } else {
            for object in self { body(object) }
        }
    }

    /// Whether the run lies scattered over the heap, so that its passes
    /// wait for memory unless they prefetch in stages. Of 64 pairs of
    /// neighbours spread evenly over it, more than a quarter are over a
    /// page apart, or refer (first) to objects over a page apart from each
    /// other and from them. The processor's prefetcher follows streams:
    /// the nodes of a tree laid out in order, and their children, form
    /// streams even where a child is far from its parent; the nodes of a
    /// random graph refer to no stream. Runs of fewer than 4,096
    /// candidates count as not scattered: they stay in the cache, or nearly.
    var liesScattered: Bool {
        guard count >= 4096 else { return false }
        let samples = 64, step = (count &- 1) / samples
        @inline(__always) func far(_ a: RawRef, _ b: RawRef) -> Bool {
            let gap = Int(bitPattern: a.pointer) &- Int(bitPattern: b.pointer)
            return gap > 4096 || gap < -4096
        }
        var scattered = 0
        for sample in 0..<samples {
            let first = self[sample &* step], second = self[sample &* step &+ 1]
            if far(first, second) {
                scattered &+= 1
            } else if let referent = first.firstReferent, let next = second.firstReferent,
                      far(referent, next) && far(referent, first) {
                scattered &+= 1
            }
        }
        return scattered &* 4 > samples
    }

    /// Prefetches the block of the object `Collector.prefetchDistance` places after `index`.
    @inline(__always)
    func prefetchBlock(aheadOf index: Int) {
        if index &+ Collector.prefetchDistance < count { self[index &+ Collector.prefetchDistance].prefetchBlock() }
    }
}
