import Jemalloc

#if canImport(Glibc)
import Glibc
#endif

/// A heap's figures at one moment: live objects and bytes per type, the
/// collector's state and the arena's statistics (tracemalloc's snapshot,
/// by type rather than by allocation site).
///
/// Snapshots are plain values: keep them, compare two with
/// ``compared(to:)``, or write them as JSON (`memstat diff` reads them)
/// with the `ReclaimJSON` module's `encoded()` and `decode(from:)`, or
/// with any `Encoder`: a snapshot is `Codable`.
public struct HeapSnapshot: Codable, Equatable, Sendable {
    /// The value of ``schema`` in snapshots of this version.
    public static let schemaName = "reclaim.heap-snapshot/1"

    /// The collector's figures at the snapshot.
    public struct CollectorFigures: Codable, Equatable, Sendable {
        /// `gc.get_count()`: the counts that schedule collections.
        public var counts: [Int]
        /// `gc.get_threshold()`.
        public var thresholds: [Int]
        /// Tracked containers in generations 0, 1, 2 and the permanent one.
        public var trackedObjects: [Int]
        /// `gc.get_stats()`: collections, collected, uncollectable per generation.
        public var generations: [GenerationStatistics]
        /// `gc.isenabled()`: whether automatic collection is on.
        public var isEnabled: Bool
    }

    /// The heap's arena as jemalloc counts it, after the heap's caches were
    /// flushed back to it (so `allocated` is exactly the live blocks).
    public struct ArenaFigures: Codable, Equatable, Sendable {
        /// The arena's index.
        public var index: Int
        /// Bytes of live blocks, small and large.
        public var allocated: Int
        /// Bytes of pages holding live blocks: `pactive × page`.
        public var active: Int
        /// Bytes of the arena's pages in physical memory, metadata included.
        public var resident: Int
        /// Bytes of address space the arena has mapped.
        public var mapped: Int
    }

    /// Identifies the schema: ``schemaName``.
    public var schema: String
    /// A name for the snapshot, such as the phase of the program it was taken in.
    public var label: String?
    /// When it was taken, in seconds since 1970 (wall clock).
    public var takenAt: Double
    /// Live objects, immortal ones included.
    public var liveObjects: Int
    /// Bytes of live blocks (``Heap/tracedMemory``'s current).
    public var liveBytes: Int
    /// The most live bytes since the heap was made or its peak reset.
    public var peakBytes: Int
    /// Bytes of list storage mapped outside the arena (``Heap/mappedStorageBytes``):
    /// with ``arena``'s `allocated`, they add up to ``liveBytes``. Nil in
    /// snapshots written before the heap mapped storage.
    public var mappedStorageBytes: Int?
    /// Live objects and bytes per type, most bytes first.
    public var types: [TypeStatistics]
    /// The collector's state.
    public var collector: CollectorFigures
    /// The heap's arena (`stats.arenas.<i>.*`).
    public var arena: ArenaFigures

    /// The snapshot's type statistics by type name.
    public func statistics(of typeName: String) -> TypeStatistics? {
        types.first { $0.typeName == typeName }
    }
}

extension Introspection {
    /// Takes a snapshot of the heap. Flushes the heap's caches first, so the
    /// arena figures count exactly the live blocks.
    ///
    /// - Throws: ``MallctlError`` when jemalloc's statistics cannot be read.
    public func snapshot(label: String? = nil) throws(MallctlError) -> HeapSnapshot {
        heap.requireAlive("Introspection.snapshot")
        try heap.flushCache()
        let stats = try ArenaStats.read(arena: heap.arena.index)
        let page = try AllocatorInfo.page()
        let collector = heap.collector
        let figures = HeapSnapshot.CollectorFigures(
            counts: collector.counts.values,
            thresholds: collector.thresholds.values,
            trackedObjects: (0..<CollectorState.tableCount).map { collector.state.pointee.generations[$0].count },
            generations: collector.statistics,
            isEnabled: collector.isEnabled)
        let arena = HeapSnapshot.ArenaFigures(
            index: heap.arena.index, allocated: stats.allocated, active: stats.pactive * page,
            resident: stats.resident, mapped: stats.mapped)
        let traced = heap.tracedMemory
        return HeapSnapshot(
            schema: HeapSnapshot.schemaName, label: label, takenAt: HeapSnapshot.wallClockSeconds(),
            liveObjects: heap.liveObjectCount, liveBytes: traced.current, peakBytes: traced.peak,
            mappedStorageBytes: heap.mappedStorageBytes,
            types: typeStatistics(), collector: figures, arena: arena)
    }
}

extension HeapSnapshot {
    /// Seconds since 1970 on the wall clock, for ``takenAt``.
    static func wallClockSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
