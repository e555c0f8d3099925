// Unsafe code here: the checks read candidates through the same buffers
// the phases use. Invariants: see CollectionPhases.swift and
// IncrementPhases.swift; the checks only read.

/// The collector's invariants, checked at the boundaries of its phases in
/// debug builds (as CPython's `validate_list` checks its lists), so that a
/// bug in a phase — or a custom type whose `traverse` visits what it does
/// not hold — stops at the phase that broke the rule, with a message naming
/// the phase and the object's type, instead of corrupting the heap later.
/// In release builds every check is empty.
///
/// Each check costs time in proportion to the collection's own work: the
/// candidates, the survivors it promoted and the garbage it found, never a
/// whole older generation that was not collected.
extension Collector {
    /// After phase 2: every candidate still sits at its position, and its
    /// scratch count (references from outside the candidates) lies between
    /// 0 and its reference count. A count that went below 0 borrows from
    /// the position, so both are checked.
    @inline(__always)
    func checkScratchCounts(_ work: borrowing CollectionWork) {
        #if DEBUG
        var position = 0
        for run in work.runs {
            for object in run.candidates {
                let word = object.gcWord
                guard object.isCollecting else {
                    violation(2, object, "is in a run of candidates but not a candidate")
                }
                if ScratchWord.position(word) != position || ScratchWord.count(word) > object.refcount {
                    violation(2, object, "has scratch count \(Int32(bitPattern: ScratchWord.count(word))) for reference "
                              + "count \(object.refcount): its type's traverse visits a reference it does not hold")
                }
                position += 1
            }
        }
        #endif
    }

    /// After phase 4 (promotion): the tables collected are empty but for
    /// the one survivors went to; each survivor in it is tracked where its
    /// gc word says and refers to no unreachable candidate; and each object
    /// found unreachable is out of every table, either held (`held`) or,
    /// on the path without user code, still `collecting`.
    @inline(__always)
    func checkAfterPromotion(collected generation: Int, olderCount: Int, garbage forEachGarbage: ((RawRef) -> Void) -> Void,
                             held: Bool) {
        #if DEBUG
        let older = min(generation + 1, 2)
        for level in 0...generation where level != older && state.pointee.generations[level].count != 0 {
            violation(4, state.pointee.generations[level][0], "is left in generation \(level)'s table, which the collection emptied")
        }
        let first = generation == 2 ? 0 : olderCount
        checkTableEntries(older, from: first, phase: 4)
        let table = state.pointee.generations + older
        for index in first..<table.pointee.count {
            let survivor = table.pointee[index]
            survivor.traverseReferents { referent in
                if !referent.flags.isDisjoint(with: [.collecting, .held]) {
                    violation(4, referent, "is unreachable, yet the reachable \(survivor.type.name) object at "
                              + "\(survivor.pointer) refers to it")
                }
            }
        }
        let expected: HeaderFlags = held ? .held : .collecting
        forEachGarbage { object in
            let flags = object.flags
            if !flags.isDisjoint(with: [.tracked, .reachable]) || !flags.contains(expected)
                || object.gcWord != RawRef.untrackedGCWord {
                violation(4, object, "was found unreachable but is in a table, marked reachable or not "
                          + (held ? "held" : "collecting"))
            }
        }
        #endif
    }

    /// After the collection: the entries it may have added or left — the
    /// whole table of what it collected and of where survivors went, and
    /// generation 2 from where it stood when the collection began — are
    /// live objects, tracked where their gc words say. A freed object left
    /// in a table (poisoned in debug builds) fails here.
    @inline(__always)
    func checkTablesAfterCollection(collected generation: Int, oldestCount: Int) {
        #if DEBUG
        let older = min(generation + 1, 2)
        for level in 0...older where level < 2 { checkTableEntries(level, from: 0, phase: 8) }
        checkTableEntries(2, from: generation == 2 ? 0 : min(oldestCount, state.pointee.generations[2].count), phase: 8)
        #endif
    }

    /// After an increment's phase 4: every candidate found reachable is
    /// back in its table, at the index its gc word gives, in no collection
    /// state; no candidate is left `collecting`.
    @inline(__always)
    func checkIncrementSurvivors(_ run: UnsafeBufferPointer<RawRef>) {
        #if DEBUG
        for object in run {
            let flags = object.flags
            if !flags.isDisjoint(with: [.collecting, .reachable, .held]) {
                violation(4, object, "is still in a collection state after an increment")
            }
            guard flags.contains(.tracked) else {
                violation(4, object, "was a candidate of an increment but is not tracked")
            }
            let word = object.gcWord
            let table = state.pointee.generations + GCWord.generation(word)
            let index = GCWord.index(word)
            if index >= table.pointee.count || table.pointee[index] != object {
                violation(4, object, "is not where its gc word says after an increment")
            }
        }
        #endif
    }

    #if DEBUG
    /// Every entry of generation `level`'s table from `first` on is a live
    /// object, tracked, at the index its gc word gives, in no collection state.
    func checkTableEntries(_ level: Int, from first: Int, phase: Int) {
        let table = state.pointee.generations + level
        for index in first..<table.pointee.count {
            let object = table.pointee[index]
            guard object.hasLiveMagic else {
                violation(phase, object, "was freed but is still in generation \(level)'s table at \(index)")
            }
            let flags = object.flags
            if !flags.contains(.tracked) || !flags.isDisjoint(with: [.collecting, .reachable, .held])
                || object.gcWord != GCWord.make(generation: level, index: index) {
                violation(phase, object, "is in generation \(level)'s table at \(index) with a gc word or flags "
                          + "that do not say so")
            }
        }
    }

    /// Stops: `object` breaks the collector's invariant after `phase`.
    func violation(_ phase: Int, _ object: RawRef, _ what: String) -> Never {
        // A freed block keeps its type reference, so the type can be named.
        preconditionFailure("Collector.collect, after phase \(phase): the \(object.type.name) object at \(object.pointer) \(what)")
    }
    #endif
}
