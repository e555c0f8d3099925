/// The heap's live bytes now and at their highest (`tracemalloc.get_traced_memory()`).
public struct TracedMemory: Codable, Equatable, Sendable {
    /// Bytes of live blocks now.
    public var current: Int
    /// The most there have been since the heap was made or the peak reset.
    public var peak: Int

    /// Figures as read.
    public init(current: Int, peak: Int) {
        self.current = current
        self.peak = peak
    }
}
