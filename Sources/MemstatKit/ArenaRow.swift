import Jemalloc

extension Report {
    /// One arena as memstat lists it: jemalloc's figures and the bytes its
    /// page counts stand for.
    ///
    /// In JSON the row is one flat object (see `docs/memstat-json.md`):
    /// `index` (absent for all arenas merged), the figures of ``stats`` with
    /// `tcacheBytes` for jemalloc's `tcache_bytes`, `allocated` (small plus
    /// large), and ``active``, ``dirty`` and ``muzzy``.
    public struct ArenaRow: Sendable {
        /// The arena's figures; `index` is `nil` for all arenas merged.
        public var stats: ArenaStats
        /// Active bytes: `pactive × page`.
        public var active: Int
        /// Dirty bytes: `pdirty × page`.
        public var dirty: Int
        /// Muzzy bytes: `pmuzzy × page`.
        public var muzzy: Int

        /// The row of `stats`, its page counts taken as pages of `page` bytes.
        public init(_ stats: ArenaStats, page: Int) {
            self.stats = stats
            active = stats.pactive * page
            dirty = stats.pdirty * page
            muzzy = stats.pmuzzy * page
        }
    }
}

extension Report.ArenaRow: Codable {
    enum CodingKeys: String, CodingKey {
        case index, nthreads, allocated, small, large, active, dirty, muzzy, pactive, pdirty, pmuzzy
        case mapped, retained, base, `internal`, resident, tcacheBytes
    }

    /// Decodes a row of a memstat document; `allocated` is not read back, as
    /// it is the sum of the small and large figures.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stats = ArenaStats(
            index: try container.decodeIfPresent(Int.self, forKey: .index),
            nthreads: try container.decode(UInt32.self, forKey: .nthreads),
            pactive: try container.decode(Int.self, forKey: .pactive),
            pdirty: try container.decode(Int.self, forKey: .pdirty),
            pmuzzy: try container.decode(Int.self, forKey: .pmuzzy),
            mapped: try container.decode(Int.self, forKey: .mapped),
            retained: try container.decode(Int.self, forKey: .retained),
            base: try container.decode(Int.self, forKey: .base),
            internal: try container.decode(Int.self, forKey: .`internal`),
            resident: try container.decode(Int.self, forKey: .resident),
            tcacheBytes: try container.decode(Int.self, forKey: .tcacheBytes),
            small: try container.decode(AllocationCounters.self, forKey: .small),
            large: try container.decode(AllocationCounters.self, forKey: .large))
        active = try container.decode(Int.self, forKey: .active)
        dirty = try container.decode(Int.self, forKey: .dirty)
        muzzy = try container.decode(Int.self, forKey: .muzzy)
    }

    /// Encodes the row as one flat object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(stats.index, forKey: .index)
        try container.encode(stats.nthreads, forKey: .nthreads)
        try container.encode(stats.allocated, forKey: .allocated)
        try container.encode(stats.small, forKey: .small)
        try container.encode(stats.large, forKey: .large)
        try container.encode(active, forKey: .active)
        try container.encode(dirty, forKey: .dirty)
        try container.encode(muzzy, forKey: .muzzy)
        try container.encode(stats.pactive, forKey: .pactive)
        try container.encode(stats.pdirty, forKey: .pdirty)
        try container.encode(stats.pmuzzy, forKey: .pmuzzy)
        try container.encode(stats.mapped, forKey: .mapped)
        try container.encode(stats.retained, forKey: .retained)
        try container.encode(stats.base, forKey: .base)
        try container.encode(stats.internal, forKey: .`internal`)
        try container.encode(stats.resident, forKey: .resident)
        try container.encode(stats.tcacheBytes, forKey: .tcacheBytes)
    }
}
