/// The heap's live bytes now and at their highest (`tracemalloc.get_traced_memory()`).
public struct TracedMemory: Codable, Equatable, Sendable {
    public var current: Int
    public var peak: Int

    public init(current: Int, peak: Int) {
        self.current = current
        self.peak = peak
    }
}
