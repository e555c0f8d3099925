// Unsafe code here: the runs are buffers over the generation tables' storage.
// Invariants: they are valid while the collection that made them runs (see
// CollectionPhases.swift).

/// The candidates of a collection. While it runs, each candidate is
/// marked `collecting` and its gc word holds its scratch count and its
/// position among the candidates (``ScratchWord``) — in the object's own
/// header, as CPython keeps `gc_refs` in the GC head, so each step
/// touches one cache line per object; `reachable` marks the ones found
/// reachable.
///
/// The candidates are read where they are: the storage of the tables
/// of the generations collected, oldest first (so, mostly, in the order
/// they were allocated), or one array for the recount of phase 7. A
/// position counts from the start of the first run.
struct CollectionWork: ~Copyable {
    /// The runs of candidates, in position order.
    var runs: [CandidateRun] = []
    /// Candidates gathered (the runs' length).
    var gathered = 0
    /// How many candidates phase 3 found reachable.
    var reachableCount = 0
    /// How many of them phase 3 promoted.
    var promotedCount = 0
    /// How many of them phase 3 untracked instead (atomic tuples).
    var untrackedCount = 0
    /// How many of the first runs phase 3 overwrites with promoted
    /// candidates (generation 2's own table, when it is collected).
    var overwrittenRuns = 0
    /// Whether phase 3 keeps what it passes without traversing in the
    /// overwritten run inside that run's own table, instead of in
    /// ``leftover``: a collection that holds no garbage (no user code can
    /// run), where their order does not matter.
    var keepsLeftoverInTable = false
    /// What phase 3's scan passed without traversing in the overwritten
    /// runs, for phase 4, when the collection holds its garbage:
    /// unreachable candidates, and reachable ones found later from the
    /// stack, in the scan's order. (In the other runs phase 4 finds them
    /// still in place, `collecting`.) Freed with the work after phase 4.
    var leftover = GrowableBuffer<RawRef>()
    /// The same, when ``keepsLeftoverInTable``: how many there are. They
    /// fill the top of the old table's storage, the slots from
    /// `gathered - tableLeftoverCount` up to `gathered` (its capacity is
    /// at least `gathered`), above every slot phase 3 promotes into.
    var tableLeftoverCount = 0
    /// The dicts promoted by a full collection, for
    /// ``untrackAtomicDicts(_:)`` once every survivor is promoted.
    var survivingDicts: [RawRef] = []
}
