/// Everything a heap's cycle collector keeps between collections: the
/// generation tables, the counts and thresholds that schedule collections,
/// the statistics, the `gc` module's settings (callbacks, debug flags,
/// saved garbage) and the freeze state (generation 3's table).
///
/// It lives behind a pointer the heap allocates once and deinitialises
/// (freeing the tables) and frees when it is deinitialised, as `HeapCore`
/// does; it cannot be copied, so the hot paths — tracking a new
/// container, counting an allocation — touch plain memory without Swift's
/// run-time exclusivity checks.
///
/// Invariants: every tracked container sits in exactly one of the four
/// tables, at the index its gc word holds (`GCWord`), and has the
/// `tracked` flag; no untracked object is in any table. While a collection
/// runs (`isCollecting`), the tables of the generations it collects are
/// rewritten by its phases and these rules hold again when it returns.
/// Used by the thread using the heap only.
struct CollectorState: ~Copyable {
    /// The tables of tracked containers, by generation: 0 (young), 1
    /// (middle), 2 (old), and 3, the permanent generation of frozen objects.
    let generations: UnsafeMutablePointer<GrowableBuffer<RawRef>>
    /// Generation 0: container allocations minus deallocations since its
    /// last collection; generations 1 and 2: collections of the generation
    /// below since their last collection.
    var counts = GenerationValues.zero
    var thresholds = GenerationValues(young: 700, middle: 10, old: 10)
    var isEnabled = true
    var isCollecting = false
    /// Objects in generation 2 after its last collection, and objects
    /// promoted into it since (CPython's guard against quadratic full collections).
    var longLivedTotal = 0
    var longLivedPending = 0
    var statistics: [GenerationStatistics] = Array(repeating: GenerationStatistics(), count: 3)
    /// How long collections took.
    var pauses = CollectionPauses()
    /// How the old generation is collected, and the pacing and progress of
    /// incremental collection.
    var mode = CollectionMode.generational
    var pacing = IncrementalPacing()
    var schedule = IncrementalSchedule()
    /// Whether the running collection has called a finalizer or a weak
    /// reference callback (which may resurrect unreachable objects).
    var ranUserCode = false
    /// Where the running collection's survivors go: the generation after
    /// the one collected (2 for the oldest and for increments).
    var survivorGeneration = 2
    /// Live objects whose type has a finalizer (finalized or not) or no
    /// `clear`: while there are any, collections hold their garbage.
    var heldCollectionObjects = 0
    /// Called at the start and end of every collection.
    var callbacks: [CollectionCallback] = []
    var debugFlags: CollectorDebugFlags = []
    var debugSink: (String) -> Void = { line in
        var standardError = StandardError()
        print(line, to: &standardError)
    }
    /// Unreachable objects kept under `saveAll`, each holding a reference.
    var garbage: [RawRef] = []

    /// The generation tables: 0, 1 and 2, and the permanent one (3).
    static let tableCount = 4
    /// The generation of frozen objects, which collections ignore.
    static let permanentGeneration = 3

    init() {
        generations = UnsafeMutablePointer<GrowableBuffer<RawRef>>.allocate(capacity: CollectorState.tableCount)
        for index in 0..<CollectorState.tableCount { (generations + index).initialize(to: GrowableBuffer()) }
    }

    /// Frees the tables (the heap is being deinitialised).
    deinit {
        generations.deinitialize(count: CollectorState.tableCount)
        generations.deallocate()
    }

    /// Forgets every tracked container (the heap's arena is gone).
    mutating func forgetTrackedObjects() {
        for index in 0..<CollectorState.tableCount { generations[index].removeAll() }
        schedule.cursor = 0
    }

    // MARK: Scheduling

    /// Counts a container allocation; true when generation 0's count has
    /// passed its threshold and a collection may start now.
    @inline(__always)
    mutating func countAllocation() -> Bool {
        counts.young &+= 1
        return counts.young > thresholds.young && isEnabled && !isCollecting && thresholds.young > 0
    }

    /// Counts a container freed (CPython lowers generation 0's count too).
    @inline(__always)
    mutating func countDeallocation() {
        if counts.young > 0 { counts.young &-= 1 }
    }

    /// The oldest generation whose count exceeds its threshold, as CPython
    /// picks it; a full collection also needs the objects promoted into
    /// generation 2 since its last collection to exceed 25% of it.
    var scheduledGeneration: Int {
        if counts.old > thresholds.old && longLivedPending > longLivedTotal / 4 { return 2 }
        if counts.middle > thresholds.middle { return 1 }
        return 0
    }

    /// The counts after a collection of `generation`: its own and the
    /// younger ones' start again, the next older one counts it.
    mutating func updateCounts(afterCollecting generation: Int) {
        switch generation {
        case 0:
            counts.young = 0
            counts.middle += 1
        case 1:
            counts.young = 0
            counts.middle = 0
            counts.old += 1
        default:
            counts = .zero
        }
    }

    /// CPython's guard against quadratic full collections counts what
    /// enters generation 2 and what a full collection leaves there.
    mutating func updateLongLivedCounts(promoted: Int, from generation: Int) {
        if generation == 1 { longLivedPending += promoted }
        if generation == 2 {
            longLivedTotal = generations[2].count
            longLivedPending = 0
        }
    }

    // MARK: Tables

    /// Adds a container to generation `generation`'s table.
    @inline(__always)
    func track(_ object: RawRef, generation: Int = 0) {
        let table = generations + generation
        object.gcWord = GCWord.make(generation: generation, index: table.pointee.count)
        table.pointee.append(object)
        object.flags.insert(.tracked)
    }

    /// Removes a container from its generation's table (swap with the last
    /// entry); nothing when it is not tracked. An old object behind the
    /// cursor of an incremental pass leaves as ``untrackBehindCursor(_:)``
    /// says, so that the pass still visits every object it has not yet.
    @inline(__always)
    mutating func untrack(_ object: RawRef) {
        guard object.flags.contains(.tracked) else { return }
        let word = object.gcWord
        let index = GCWord.index(word)
        // The generation first: most objects leave young, and then the
        // cursor (of generation 2's passes) is not read at all.
        if GCWord.generation(word) == 2, index < schedule.cursor {
            untrackBehindCursor(object)
            return
        }
        let table = generations + GCWord.generation(word)
        let last = table.pointee.removeLast()
        if index < table.pointee.count {
            table.pointee[index] = last
            last.gcWord = word
        }
        object.gcWord = RawRef.untrackedGCWord
        object.flags.remove(.tracked)
    }

    /// Removes `object`, at an index of generation 2's table behind the
    /// pass's cursor, keeping the entries the pass has visited before the
    /// cursor and those it has not at or after it: the last visited entry
    /// moves into the gap, the cursor steps back over the place that frees,
    /// and the table's last entry fills that place. No entry changes side.
    mutating func untrackBehindCursor(_ object: RawRef) {
        let table = generations + 2
        let index = GCWord.index(object.gcWord)
        let lastVisited = schedule.cursor - 1
        if index != lastVisited { place(table.pointee[lastVisited], at: index, in: table) }
        schedule.cursor = lastVisited
        let last = table.pointee.removeLast()
        if lastVisited < table.pointee.count { place(last, at: lastVisited, in: table) }
        object.gcWord = RawRef.untrackedGCWord
        object.flags.remove(.tracked)
    }

    /// Moves an old object the current pass has not visited yet behind the
    /// cursor: it swaps places with the first unvisited entry. Nothing for
    /// an object of another generation, or one visited already.
    mutating func markVisited(_ object: RawRef) {
        let word = object.gcWord
        guard GCWord.generation(word) == 2 else { return }
        let index = GCWord.index(word), boundary = schedule.cursor
        let table = generations + 2
        guard index >= boundary, boundary < table.pointee.count else { return }
        if index != boundary { place(table.pointee[boundary], at: index, in: table) }
        place(object, at: boundary, in: table)
        schedule.cursor = boundary + 1
    }

    @inline(__always)
    private func place(_ object: RawRef, at index: Int, in table: UnsafeMutablePointer<GrowableBuffer<RawRef>>) {
        table.pointee[index] = object
        object.gcWord = GCWord.make(generation: 2, index: index)
    }

    /// Containers in the tables of `levels`, youngest first.
    func objects(in levels: ClosedRange<Int>) -> [RawRef] {
        levels.flatMap { generations[$0].elements }
    }

    /// How many containers the tables of 0…`generation` hold.
    func trackedCount(through generation: Int) -> Int {
        (0...generation).reduce(0) { $0 + generations[$1].count }
    }
}
