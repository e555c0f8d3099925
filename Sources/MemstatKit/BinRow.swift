import Jemalloc

extension Report {
    /// One small size class of one arena as memstat lists it: jemalloc's
    /// figures, the arena they belong to, and the values derived from them.
    ///
    /// In JSON the row is one flat object (see `docs/memstat-json.md`):
    /// `arena` (absent for all arenas merged), `index`, the geometry as
    /// `sizeClass`, `nregs` and `slabSize`, the counters (`curregs`,
    /// `curslabs`, `nonfullSlabs`, `nmalloc`, `ndalloc`, `nrequests`), and
    /// ``allocatedBytes`` and ``utilisation``.
    public struct BinRow: Sendable {
        /// The arena, or `nil` for all arenas merged.
        public var arena: Int?
        /// The size class's geometry and counters.
        public var stats: BinStats
        /// `curregs × sizeClass`, as the document gives it.
        public var allocatedBytes: Int
        /// `curregs / (curslabs × nregs)`, 0 when there is no slab, as the
        /// document gives it.
        public var utilisation: Double

        /// The row of `stats` in arena `arena` (`nil`: all arenas merged).
        public init(_ stats: BinStats, arena: Int?) {
            self.arena = arena
            self.stats = stats
            allocatedBytes = stats.allocatedBytes
            utilisation = stats.utilisation
        }
    }
}

extension Report.BinRow: Codable {
    enum CodingKeys: String, CodingKey {
        case arena, index, sizeClass, nregs, slabSize, curregs, curslabs, nonfullSlabs
        case nmalloc, ndalloc, nrequests, allocatedBytes, utilisation
    }

    /// Decodes a row of a memstat document.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        arena = try container.decodeIfPresent(Int.self, forKey: .arena)
        stats = BinStats(
            index: try container.decode(Int.self, forKey: .index),
            geometry: AllocatorInfo.BinClass(size: try container.decode(Int.self, forKey: .sizeClass),
                                             nregs: try container.decode(UInt32.self, forKey: .nregs),
                                             slabSize: try container.decode(Int.self, forKey: .slabSize)),
            counters: BinCounters(curregs: try container.decode(Int.self, forKey: .curregs),
                                  curslabs: try container.decode(Int.self, forKey: .curslabs),
                                  nonfullSlabs: try container.decode(Int.self, forKey: .nonfullSlabs),
                                  nmalloc: try container.decode(UInt64.self, forKey: .nmalloc),
                                  ndalloc: try container.decode(UInt64.self, forKey: .ndalloc),
                                  nrequests: try container.decode(UInt64.self, forKey: .nrequests)))
        allocatedBytes = try container.decode(Int.self, forKey: .allocatedBytes)
        utilisation = try container.decode(Double.self, forKey: .utilisation)
    }

    /// Encodes the row as one flat object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(arena, forKey: .arena)
        try container.encode(stats.index, forKey: .index)
        try container.encode(stats.geometry.size, forKey: .sizeClass)
        try container.encode(stats.geometry.nregs, forKey: .nregs)
        try container.encode(stats.geometry.slabSize, forKey: .slabSize)
        try container.encode(stats.counters.curregs, forKey: .curregs)
        try container.encode(stats.counters.curslabs, forKey: .curslabs)
        try container.encode(stats.counters.nonfullSlabs, forKey: .nonfullSlabs)
        try container.encode(stats.counters.nmalloc, forKey: .nmalloc)
        try container.encode(stats.counters.ndalloc, forKey: .ndalloc)
        try container.encode(stats.counters.nrequests, forKey: .nrequests)
        try container.encode(allocatedBytes, forKey: .allocatedBytes)
        try container.encode(utilisation, forKey: .utilisation)
    }
}
