// Unsafe code here: a run is a buffer over a generation table's storage, or
// over an array of the collection's own. Invariant: it is valid while the
// collection that made it runs, and no table grows meanwhile (see
// CollectionPhases.swift).

/// One run of a collection's candidates: a table's storage, or an array
/// of its own, and whether it lies scattered over the heap, as phase 1
/// judged from a sample of neighbours (`liesScattered`). The passes that
/// traverse a scattered run prefetch in stages
/// (`prefetchForTraversal(at:)`); where a run follows the addresses, the
/// processor's own prefetcher streams it, and the stages would only cost
/// instructions.
struct CandidateRun {
    let candidates: UnsafeBufferPointer<RawRef>
    let isScattered: Bool

    /// A run traversed without stages, not judged: phase 7's recount of
    /// the garbage, an increment's candidates.
    init(inOrder candidates: UnsafeBufferPointer<RawRef>) {
        self.candidates = candidates
        self.isScattered = false
    }

    /// A run of a table's storage, judged by a sample of it.
    init(judging candidates: UnsafeBufferPointer<RawRef>) {
        self.candidates = candidates
        self.isScattered = candidates.liesScattered
    }
}
