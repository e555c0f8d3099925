import Jemalloc

extension Report {
    /// One large size class in use as memstat lists it: jemalloc's figures,
    /// the arena they belong to, and the bytes they hold.
    ///
    /// In JSON the row is one flat object (see `docs/memstat-json.md`):
    /// `arena` (absent for all arenas merged), `sizeClass`, `curlextents` and
    /// ``allocatedBytes``.
    public struct LargeRow: Sendable {
        /// The arena, or `nil` for all arenas merged.
        public var arena: Int?
        /// The size class and its extents in use.
        public var stats: LargeExtentStats
        /// `curlextents × sizeClass`, as the document gives it.
        public var allocatedBytes: Int

        /// The row of `stats` in arena `arena` (`nil`: all arenas merged).
        public init(_ stats: LargeExtentStats, arena: Int?) {
            self.arena = arena
            self.stats = stats
            allocatedBytes = stats.allocatedBytes
        }
    }
}

extension Report.LargeRow: Codable {
    enum CodingKeys: String, CodingKey {
        case arena, sizeClass, curlextents, allocatedBytes
    }

    /// Decodes a row of a memstat document.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        arena = try container.decodeIfPresent(Int.self, forKey: .arena)
        stats = LargeExtentStats(sizeClass: try container.decode(Int.self, forKey: .sizeClass),
                                 curlextents: try container.decode(Int.self, forKey: .curlextents))
        allocatedBytes = try container.decode(Int.self, forKey: .allocatedBytes)
    }

    /// Encodes the row as one flat object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(arena, forKey: .arena)
        try container.encode(stats.sizeClass, forKey: .sizeClass)
        try container.encode(stats.curlextents, forKey: .curlextents)
        try container.encode(allocatedBytes, forKey: .allocatedBytes)
    }
}
