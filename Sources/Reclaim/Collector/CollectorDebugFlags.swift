/// The collector's debugging output (`gc.set_debug`).
public struct CollectorDebugFlags: OptionSet, Sendable {
    /// The flags as `gc.set_debug` takes them (`gc.DEBUG_STATS` is 1…).
    public let rawValue: Int
    /// Flags from `gc.set_debug`'s bits.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Figures of each collection.
    public static let stats = CollectorDebugFlags(rawValue: 1 << 0)
    /// Each collectable object found.
    public static let collectable = CollectorDebugFlags(rawValue: 1 << 1)
    /// Each uncollectable object found.
    public static let uncollectable = CollectorDebugFlags(rawValue: 1 << 2)
    /// Keep every unreachable object in ``Collector/garbage`` instead of freeing it.
    public static let saveAll = CollectorDebugFlags(rawValue: 1 << 5)
    /// What a leak hunt wants: collectable, uncollectable and saveAll.
    public static let leak: CollectorDebugFlags = [.collectable, .uncollectable, .saveAll]
}
