/// When a collection callback is called (`gc.callbacks` phases).
public enum CollectionPhase: String, Sendable {
    case start, stop
}

/// What a collection callback learns (`gc.callbacks` info).
public struct CollectionInfo: Equatable, Sendable {
    /// The oldest generation collected.
    public var generation: Int
    /// Unreachable objects freed (0 at `start`).
    public var collected: Int
    /// Unreachable objects that could not be freed (0 at `start`).
    public var uncollectable: Int
    /// The containers examined.
    public var candidates: Int
    /// Seconds the collection took (0 at `start`).
    public var duration: Double
    /// Whether this is an increment of incremental collection (of the old
    /// generation, `generation` 2) rather than a whole collection.
    public var isIncrement = false
}

/// Called at the start and the end of every collection.
public typealias CollectionCallback = (_ phase: CollectionPhase, _ info: CollectionInfo) -> Void
