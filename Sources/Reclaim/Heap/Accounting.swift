/// What a heap counts as it goes: live objects and bytes per type, in
/// all, and the traced total with its peak (`tracemalloc`'s figures).
/// Every allocation and free updates them, size-class rounding included,
/// so reading them costs nothing but the sum.
extension Heap {
    /// Bytes of all live blocks (object blocks and out-of-line storage),
    /// size-class rounding included: the sum of the per-type counters.
    public var liveBlockBytes: Int {
        (0..<core.pointee.typeCounters.count).reduce(0) { $0 + core.pointee.typeCounters[$1].bytes }
    }

    /// Live objects in the heap, immortal ones included.
    public var liveObjectCount: Int {
        (0..<core.pointee.typeCounters.count).reduce(0) { $0 + core.pointee.typeCounters[$1].count }
    }

    /// Live objects of `type`.
    public func liveObjectCount(of type: ObjectType) -> Int {
        counters(atIndex: type.index).count
    }
    /// Bytes of live blocks now, and the most there have been since the heap
    /// was made or ``resetPeakTracedMemory()`` was last called. Counted on
    /// every allocation and free, size-class rounding included.
    public var tracedMemory: TracedMemory {
        TracedMemory(current: core.pointee.tracedBytes, peak: core.pointee.peakTracedBytes)
    }

    /// Sets the peak of ``tracedMemory`` to the current figure
    /// (`tracemalloc.reset_peak()`), to measure the peak of one phase.
    public func resetPeakTracedMemory() {
        core.pointee.peakTracedBytes = core.pointee.tracedBytes
    }
}

/// Live objects and bytes of one type in one heap.
public struct TypeCounters: Equatable, Sendable, BitwiseCopyable {
    /// Live objects.
    public var count = 0
    /// Bytes of their blocks (size-class rounded), out-of-line storage included.
    public var bytes = 0
}
