// Unsafe code here: the waiting lists, one growable buffer per deficit,
// in a block the closure allocates and frees.
// Invariants: `waiting` holds `maximumDeficit + 1` initialised buffers from
// `init` to `deinit`. And while an increment builds its closure, every object it has
// seen — and only those — has the `collecting` flag, and its gc word holds
// (entry number, references seen from the increment so far) as a
// `ScratchWord` — once every candidate has joined, the count of a
// candidate is exactly the references the candidates hold to it, so
// phase 2's subtraction needs no traversal of its own; the entry keeps the
// gc word it had. `restoreFrontier` puts
// back the gc word of every seen object that did not join, before any
// phase runs.

/// The candidates of one increment of incremental collection, and how they
/// are chosen: seeds taken in table order from the old generation, and the
/// objects they refer to that look held only from within the increment.
///
/// A referent's *deficit* is its reference count less the references the
/// increment's candidates hold to it. Garbage is referred to only by
/// garbage, so the members of a garbage structure reached from a seed
/// have small deficits, and ever smaller as more of it joins; a live object
/// referred to from many places keeps a large one. Referents join lowest
/// deficit first, those above the pacing's maximum never; which objects
/// join changes only what the increment can find, never whether it is
/// right (trial deletion over any set of candidates frees only garbage).
struct IncrementClosure: ~Copyable {
    /// One object seen: itself, its gc word before the increment, and
    /// whether it joined the candidates.
    struct Entry: BitwiseCopyable {
        var object: RawRef
        var savedWord: UInt64
        var joined: Bool
    }

    private(set) var entries = GrowableBuffer<Entry>()
    /// The candidates, in the order they joined, and each one's entry.
    private(set) var candidates = GrowableBuffer<RawRef>()
    private(set) var candidateEntries = GrowableBuffer<Int>()
    /// Entries waiting to join, by deficit (0…maximumDeficit); an entry may
    /// be listed again under a smaller deficit, so stale ones are skipped.
    /// Changed through `(waiting + deficit).pointee`, not the subscript:
    /// with `-sanitize=thread`, Swift 6.3.1 emits invalid IR (a bitcast of
    /// an integer to a pointer) for a mutating call on a noncopyable
    /// pointee reached through `UnsafeMutablePointer`'s subscript.
    private let waiting: UnsafeMutablePointer<GrowableBuffer<Int>>
    let maximumDeficit: Int
    /// Old objects at table indices below this have been visited by the
    /// current pass: they are left out, their references counted as from
    /// outside (the pass's cursor, kept up to date as seeds are taken).
    var visitedBelow = 0
    /// The work of the candidates so far: each counts one and its
    /// references (`referenceCountEstimate`), what phases 2 and 3 will
    /// traverse. An object that alone would cost more than
    /// `largestCandidate` never joins: a list of a million items would make
    /// one increment a full pause by itself, so it is left out — its
    /// references count as from outside — and left to whole collections.
    private(set) var work = 0
    var largestCandidate = Int.max

    init(maximumDeficit: Int) {
        self.maximumDeficit = max(0, maximumDeficit)
        waiting = UnsafeMutablePointer<GrowableBuffer<Int>>.allocate(capacity: self.maximumDeficit + 1)
        for level in 0...self.maximumDeficit { (waiting + level).initialize(to: GrowableBuffer()) }
    }

    deinit {
        waiting.deinitialize(count: maximumDeficit + 1)
        waiting.deallocate()
    }

    var count: Int { candidates.count }

    /// Whether `object`, not seen yet, can be a candidate: in one of the
    /// tables the collector collects (not frozen), and, when old, not yet
    /// visited by the current pass.
    @inline(__always)
    func isEligible(_ object: RawRef) -> Bool {
        guard object.flags.contains(.tracked) else { return false }
        let word = object.gcWord
        switch GCWord.generation(word) {
        case CollectorState.permanentGeneration: return false
        case 2: guard GCWord.index(word) >= visitedBelow else { return false }
        default: break
        }
        return object.referenceCountEstimate < largestCandidate
    }

    /// Notes one more reference to `object` from the candidates.
    @inline(__always)
    mutating func see(_ object: RawRef) {
        let seen: UInt32
        let entry: Int
        if object.flags.contains(.collecting) {
            let word = object.gcWord
            entry = ScratchWord.position(word)
            seen = ScratchWord.count(word) &+ 1
            object.gcWord = ScratchWord.make(position: entry, count: seen)
            if entries[entry].joined { return }
        } else {
            guard isEligible(object) else { return }
            entry = entries.count
            entries.append(Entry(object: object, savedWord: object.gcWord, joined: false))
            object.flags.insert(.collecting)
            seen = 1
            object.gcWord = ScratchWord.make(position: entry, count: seen)
        }
        let deficit = Int(object.refcount) - Int(seen)
        if deficit <= maximumDeficit { (waiting + max(0, deficit)).pointee.append(entry) }
    }

    /// Makes `object` a candidate (a seed), seeing what it refers to;
    /// nothing when it costs more than `largestCandidate`.
    mutating func seed(_ object: RawRef) {
        if object.flags.contains(.collecting) {
            let entry = ScratchWord.position(object.gcWord)
            if !entries[entry].joined { join(entry) }
            return
        }
        guard object.referenceCountEstimate < largestCandidate else { return }
        let entry = entries.count
        entries.append(Entry(object: object, savedWord: object.gcWord, joined: false))
        object.flags.insert(.collecting)
        object.gcWord = ScratchWord.make(position: entry, count: 0)
        join(entry)
    }

    /// Whether some entry waits to join.
    var hasWaiting: Bool {
        for deficit in 0...maximumDeficit {
            for index in 0..<waiting[deficit].count where !entries[waiting[deficit][index]].joined { return true }
        }
        return false
    }

    /// Joins the waiting entry of least deficit; false when none waits.
    mutating func joinNextWaiting() -> Bool {
        for deficit in 0...maximumDeficit {
            while let entry = (waiting + deficit).pointee.popLast() {
                if !entries[entry].joined {
                    join(entry)
                    return true
                }
            }
        }
        return false
    }

    private mutating func join(_ entry: Int) {
        entries[entry].joined = true
        let object = entries[entry].object
        candidates.append(object)
        candidateEntries.append(entry)
        work &+= 1 &+ object.referenceCountEstimate
        object.traverseReferents { see($0) }
    }

    /// Puts back the gc word and flags of every object seen that did not
    /// join, so that only the candidates are `collecting`.
    mutating func restoreFrontier() {
        for index in 0..<entries.count where !entries[index].joined {
            let entry = entries[index]
            entry.object.gcWord = entry.savedWord
            entry.object.flags.remove(.collecting)
        }
    }

    /// Candidates from this position on were reached by a seed whose
    /// closure the limit cut short: they stay unvisited.
    var keptUnvisitedFrom = 0

    /// The references the candidates hold to candidate `position` (read
    /// before its gc word is rewritten).
    func internalReferences(ofCandidate position: Int) -> UInt32 {
        ScratchWord.count(candidates[position].gcWord)
    }

    /// The gc word candidate `position` had before the increment.
    func savedWord(ofCandidate position: Int) -> UInt64 { entries[candidateEntries[position]].savedWord }
}
