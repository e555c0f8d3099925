/// How a heap's collector schedules its old generation.
public enum CollectionMode: String, Codable, Sendable {
    /// CPython's generational scheme: the old generation is collected whole,
    /// in one stop-the-world pause, when the thresholds and the 25% guard say so.
    case generational
    /// The old generation is collected in bounded increments, each run
    /// with a young collection (or by ``Collector/step()``), paced against
    /// allocation (``IncrementalPacing``); no full collection runs unless
    /// asked for (``Collector/collect()``).
    case incremental
}

/// The pacing of incremental collection.
public struct IncrementalPacing: Equatable, Sendable {
    /// The longest pause one young collection and the increment after it
    /// may take together, in seconds. The increment is sized to the time
    /// left, from what earlier increments took per object.
    public var pauseBudget: Double
    /// How much the old generation may grow by promotion, as a fraction of
    /// its size, while one pass over it runs: a pass visits every old object
    /// once, so garbage that dies old waits at most about that long —
    /// the rhythm of CPython's whole collections, which wait for 25% of
    /// the old generation to have been promoted since the last (0.25), so
    /// a pass costs what one of them would.
    public var passGrowth: Double
    /// How far an increment follows references beyond its seeds: a
    /// referent joins while at most this many of its references come from
    /// outside the increment so far. Garbage is held only by garbage, so
    /// it joins soon; a live object held from many places does not.
    public var maximumDeficit: Int
    /// The fewest candidates an increment examines, whatever its budget,
    /// so that every pass ends.
    public var minimumCandidates: Int
    /// The backstop: when the old generation has grown by this fraction
    /// since the last whole collection, one runs (a full pause). Increments
    /// find garbage structures that fit their budget; a larger one — a
    /// dropped doubly linked list of a million nodes — only a whole
    /// collection can, and this bounds how much such garbage can build up.
    /// `nil`: never.
    public var fullCollectionGrowth: Double?

    /// Pacing with the given figures.
    public init(pauseBudget: Double = 0.001, passGrowth: Double = 0.4, maximumDeficit: Int = 0,
                minimumCandidates: Int = 256, fullCollectionGrowth: Double? = 1.0) {
        self.pauseBudget = pauseBudget
        self.passGrowth = passGrowth
        self.maximumDeficit = maximumDeficit
        self.minimumCandidates = minimumCandidates
        self.fullCollectionGrowth = fullCollectionGrowth
    }
}

/// Where incremental collection stands (`Collector/incrementalProgress`).
public struct IncrementalProgress: Equatable, Sendable {
    /// Increments run since the heap was made.
    public var increments: Int
    /// Passes over the old generation completed.
    public var passes: Int
    /// How far the current pass has come: old objects visited, of those in
    /// the old generation now.
    public var visited: Int
    /// Objects in the old generation now.
    public var oldObjects: Int
    /// Candidates the pacing asks for and no increment has examined yet.
    public var debt: Int
    /// The longest pause of a young collection with its increment, in seconds.
    public var longestPause: Double
}
