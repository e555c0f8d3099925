// Unsafe code here: the garbage is read and written where phase 4 left it,
// in the storage of the generation tables the collection emptied or of the
// old generation's table above its count.
// Invariants: each segment lies in a table's storage, below its capacity,
// and holds the garbage phase 4 wrote there; nothing writes a segment's
// slots before phase 8 has read them. That holds because on this path no
// user code runs and nothing is allocated, so no container is tracked into
// a collected younger table; the one table appended to, the survivors'
// (`CollectorState.survivorGeneration`), either holds no segment or holds
// it above the survivors, and every append during phases 4 and 8 lands at
// or below the slot being read (see
// `Collector.promoteSurvivorsWithoutHolding(_:from:)`). Checked builds
// check each segment's objects after phase 4.

/// The unreachable candidates of a collection that holds none of them (no
/// finalizer, weak reference or debug sink can run): phase 4's garbage,
/// for phase 8 to clear and free.
///
/// It takes no memory of its own. Phase 4 writes the garbage over the
/// places it leaves free in the tables the collection read — a collected
/// younger table's storage, or, in a full collection, the old table's
/// slots above its survivors — so a collection of a million objects does
/// not allocate a list of them at the moment the heap is at its fullest.
/// At most one segment per table collected.
struct UnheldGarbage {
    /// The segments, in the order phase 4 found them.
    private(set) var segments: [UnsafeMutableBufferPointer<RawRef>] = []
    /// The objects in all segments.
    private(set) var count = 0

    /// Adds the `count` objects phase 4 wrote from `start`.
    mutating func append(_ start: UnsafeMutablePointer<RawRef>, count: Int) {
        guard count > 0 else { return }
        segments.append(UnsafeMutableBufferPointer(start: start, count: count))
        self.count += count
    }

    /// Calls `body` with every object, segment by segment.
    @inline(__always)
    func forEach(_ body: (RawRef) -> Void) {
        for segment in segments {
            for index in 0..<segment.count { body(segment[index]) }
        }
    }

    /// Calls `body` with each segment, in order.
    @inline(__always)
    func forEachSegment(_ body: (UnsafeBufferPointer<RawRef>) -> Void) {
        for segment in segments { body(UnsafeBufferPointer(segment)) }
    }
}
