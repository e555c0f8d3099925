// Unsafe code here: an increment's candidates are read, as phases 2 and 3
// read a table, through a buffer over the storage of the closure's list.
// Invariants: the list is not appended to after the buffer is made, and
// the buffer is not used after the closure goes.

import CReclaimIntrinsics

extension Collector {
    /// One increment of incremental collection: trial deletion over a
    /// bounded set of candidates — old objects taken in table order, and
    /// what they refer to that looks held only from among them — with the
    /// program stopped for that long only. `limit` bounds the candidates,
    /// `workLimit` their work (each one and its references);
    /// `pauseStarted` is when the pause began (a young collection may have
    /// run first), for the pause figures. Returns what the increment found
    /// unreachable and kept so, counted as ``collect()`` counts.
    ///
    /// The phases:
    /// 1. `chooseIncrementCandidates` — seeds from the old generation's
    ///    table at the pass's cursor, and referents of small deficit
    ///    (`IncrementClosure`), up to `limit`.
    /// 2. `gatherIncrement` — the scratch counts, from the references the
    ///    closure counted as it went; then phase 3 as a whole collection's,
    ///    `markReachable` (without promotion: survivors stay where they are).
    /// 4. `separateIncrementGarbage` — survivors get their gc words back;
    ///    the unreachable leave their tables and are held.
    /// 5.–8. as a whole collection: weak references, finalizers,
    ///    resurrection, clearing (`handleWeakReferences`,
    ///    `finalizeUnreachable`, `removeResurrected`, `disposeOfGarbage`).
    ///
    /// Why it is right however the program changed the graph since the
    /// last increment: each increment is complete in itself, at one moment,
    /// with the program stopped. A candidate referred to from anywhere
    /// outside the candidates — another object, a `Ref` held by Swift — has
    /// a reference count above the references the candidates hold to it,
    /// so it and all it reaches are marked reachable. What is left is
    /// referred to only by itself: garbage. No barrier is needed because
    /// nothing is carried from one increment to the next but the cursor.
    func collectIncrement(limit: Int, workLimit: Int, pauseStarted: Double, deadline: Double = .infinity) -> Int {
        heap.requireAlive("Collector.step")
        guard !state.pointee.isCollecting else { return 0 }
        state.pointee.isCollecting = true
        defer { state.pointee.isCollecting = false }

        let started = monotonicSeconds()
        notifyCallbacks(.start, CollectionInfo(generation: 2, collected: 0, uncollectable: 0,
                                               candidates: 0, duration: 0, isIncrement: true))
        debugLine(.stats, "gc: collecting an increment of generation 2 (pass \(state.pointee.schedule.passes + 1), "
                  + "\(state.pointee.schedule.cursor) of \(state.pointee.generations[2].count) visited)...")
        state.pointee.ranUserCode = false
        state.pointee.survivorGeneration = 2

        let closure = chooseIncrementCandidates(limit: limit, workLimit: workLimit, deadline: deadline)
        let examined = closure.count, work = closure.work
        let found: Int, uncollectable: Int
        do {
            var unreachable = closure.candidates.withRun { run -> UnreachableSet in
                var work = gatherIncrement(run, closure: closure)
                checkScratchCounts(work)
                markReachable(&work)
                return separateIncrementGarbage(run, closure: closure)
            }
            let setAside = setAsideUncollectable(&unreachable, generation: 2)
            let weakReferences = handleWeakReferences(unreachable)
            finalizeUnreachable(unreachable)
            let garbage = removeResurrected(unreachable.objects)
            uncollectable = setAside + disposeOfGarbage(garbage, generation: 2)
            withExtendedLifetime(weakReferences.dropped) {}
            found = garbage.count + weakReferences.freed + setAside
        }
        _ = consume closure
        finishPassIfDone()

        let collected = found - uncollectable
        let now = monotonicSeconds()
        let duration = now - started
        state.pointee.schedule.record(candidates: examined, work: work, seconds: duration)
        state.pointee.schedule.longestPause = max(state.pointee.schedule.longestPause, now - pauseStarted)
        state.pointee.statistics[2].collections += 1
        state.pointee.statistics[2].collected += collected
        state.pointee.statistics[2].candidates += examined
        state.pointee.statistics[2].duration += duration
        state.pointee.pauses.record(seconds: now - pauseStarted, generation: 2)
        heap.publishFigures()
        debugLine(.stats, "gc: done, \(found) unreachable, \(uncollectable) uncollectable, "
                  + "\(String(Int(duration * 1e6))) µs elapsed")
        notifyCallbacks(.stop, CollectionInfo(generation: 2, collected: collected, uncollectable: uncollectable,
                                              candidates: examined, duration: duration, isIncrement: true))
        return found
    }

    /// Increment phase 1: the candidates. The closure joins first, lowest
    /// deficit first; when nothing waits, the next old object at the cursor
    /// is seeded. Stops at `limit` candidates, `workLimit` work (see
    /// `IncrementClosure.work`), the end of the pass, or `deadline` (on the
    /// monotonic clock; checked every 128 candidates) — the estimate of
    /// the cost per unit of work can be wrong when the caches are cold.
    /// Every object seen but left out gets its gc word back.
    ///
    /// The last seed is not a candidate of this increment only; the
    /// cursor moves back to it (see below), though the candidates its
    /// closure reached stay — they are examined twice, which is right.
    func chooseIncrementCandidates(limit: Int, workLimit: Int, deadline: Double = .infinity) -> IncrementClosure {
        var closure = IncrementClosure(maximumDeficit: state.pointee.pacing.maximumDeficit)
        closure.largestCandidate = max(workLimit / 2, 64)
        let table = state.pointee.generations + 2
        var seeds = 0, lastSeed = state.pointee.schedule.cursor, lastSeedStart = 0
        closure.visitedBelow = lastSeed
        var rounds = 0
        while closure.count < limit && closure.work < workLimit {
            rounds &+= 1
            if rounds & 127 == 0 && monotonicSeconds() > deadline { break }
            if closure.joinNextWaiting() { continue }
            let cursor = state.pointee.schedule.cursor
            guard cursor < table.pointee.count else { break }
            state.pointee.schedule.cursor = cursor + 1
            closure.visitedBelow = cursor + 1
            // As phase 2 of a whole collection does: the referents of a seed a
            // few places ahead are fetched while this one is examined.
            if cursor &+ 2 &* Collector.prefetchDistance < table.pointee.count {
                reclaim_prefetch_for_write(table.pointee[cursor &+ 2 &* Collector.prefetchDistance].gcWordAddress)
            }
            if cursor &+ Collector.prefetchDistance < table.pointee.count {
                table.pointee[cursor &+ Collector.prefetchDistance].prefetchReferents()
            }
            lastSeed = cursor
            lastSeedStart = closure.count
            seeds += 1
            closure.seed(table.pointee[cursor])
        }
        // The limit cut the last seed's closure short: that seed, and the
        // candidates its closure reached, stay unvisited, so the next
        // increment starts with them and its whole budget — unless it was
        // this increment's only seed (its closure does not fit an
        // increment at all), so that every pass ends.
        closure.keptUnvisitedFrom = closure.count
        if closure.hasWaiting && seeds > 1 {
            state.pointee.schedule.cursor = lastSeed
            closure.keptUnvisitedFrom = lastSeedStart
        }
        closure.restoreFrontier()
        return closure
    }

    /// Increment phases 1 and 2 together: every candidate's scratch count
    /// is its reference count less the references the candidates hold to
    /// it — counted as the closure saw them, so no second traversal — and
    /// its position is its place in the run.
    func gatherIncrement(_ run: UnsafeBufferPointer<RawRef>, closure: borrowing IncrementClosure) -> CollectionWork {
        for index in 0..<run.count {
            let object = run[index]
            let held = closure.internalReferences(ofCandidate: index)
            object.gcWord = ScratchWord.make(position: index, count: object.refcount &- held)
        }
        var work = CollectionWork()
        work.runs = [CandidateRun(inOrder: run)]
        work.gathered = run.count
        return work
    }

    /// Increment phase 4: each reachable candidate gets its gc word back
    /// and stays where it is, in its table; each unreachable one leaves its
    /// table and is held, as in a whole collection's phase 4.
    func separateIncrementGarbage(_ run: UnsafeBufferPointer<RawRef>, closure: borrowing IncrementClosure) -> UnreachableSet {
        var garbage: [RawRef] = []
        for position in 0..<run.count {
            let object = run[position]
            let flags = object.flags
            object.gcWord = closure.savedWord(ofCandidate: position)
            if flags.contains(.reachable) {
                object.flags = flags.subtracting([.collecting, .reachable])
            } else {
                object.flags = flags.subtracting(.collecting)
                garbage.append(object)
            }
        }
        // Old survivors count as visited by this pass: each moves behind
        // the cursor, so no later increment of the pass examines it again
        // (and a pass costs about what one whole collection does).
        for position in 0..<min(run.count, closure.keptUnvisitedFrom) where run[position].flags.contains(.tracked) {
            state.pointee.markVisited(run[position])
        }
        checkIncrementSurvivors(run)
        var unreachable = UnreachableSet()
        unreachable.objects.reserveCapacity(garbage.count)
        for object in garbage {
            // The pass still visits every old object it has not visited yet
            // (`CollectorState.untrackBehindCursor(_:)`).
            state.pointee.untrack(object)
            hold(object, flags: object.flags, in: &unreachable)
        }
        return unreachable
    }

    /// A pass ends when its cursor reaches the end of the old table.
    func finishPassIfDone() {
        guard state.pointee.schedule.cursor >= state.pointee.generations[2].count else { return }
        state.pointee.schedule.cursor = 0
        state.pointee.schedule.passes += 1
    }
}

extension GrowableBuffer where Element == RawRef {
    /// Calls `body` with the elements as one run of candidates.
    func withRun<Result>(_ body: (UnsafeBufferPointer<RawRef>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: storage, count: count))
    }
}
