/// One JSON statistics report of jemalloc 5.3, as `malloc_stats_print` with
/// option `J` writes it: `{"jemalloc": {...}}`.
///
/// Only the parts this library reports are decoded; jemalloc's mutex
/// profiling and HPA figures are skipped. Sections a report can leave out
/// (through the `malloc_stats_print` option letters) are optional. The
/// figures decode into the types the direct reads return (``GlobalStats``,
/// ``ArenaStats``, ``BinCounters``, ``AllocatorInfo/BinClass``), which code
/// with jemalloc's names.
public struct StatsDocument: Codable, Sendable {
    /// The report's one top-level object.
    public var jemalloc: Body

    /// The sections of a report.
    public struct Body: Codable, Sendable {
        /// Left out of reports printed without general information (option `g`).
        public var version: String?
        /// `config.*`, by name without the prefix.
        public var config: [String: SettingValue]?
        /// `opt.*`, by name without the prefix.
        public var opt: [String: SettingValue]?
        /// `arenas.*`: geometry and size classes.
        public var arenas: ArenasSection?
        /// `stats.*`: the process totals.
        public var stats: GlobalStats?
        /// Per arena, keyed by the arena index as a string, and `"merged"`
        /// and `"destroyed"` when more than one arena is in use.
        public var statsArenas: [String: ArenaEntry]?

        enum CodingKeys: String, CodingKey {
            case version, config, opt, arenas, stats
            case statsArenas = "stats.arenas"
        }
    }

    /// `arenas.*`: geometry and size classes.
    public struct ArenasSection: Codable, Sendable {
        /// `arenas.narenas`: the limit on arena indices.
        public var narenas: Int
        /// `arenas.quantum`: the alignment every allocation at least has.
        public var quantum: Int
        /// `arenas.page`: the page size in bytes.
        public var page: Int
        /// `arenas.bin`: the geometry of each small size class, smallest first.
        public var bin: [AllocatorInfo.BinClass]?
        /// `arenas.lextent`: the size in bytes of each large size class,
        /// smallest first (each `{"size": ...}` in the report).
        public var largeClassSizes: [Int]?
    }

    /// One entry of `stats.arenas`: the arena's figures, and the counters of
    /// its size classes in the order of ``ArenasSection/bin`` and
    /// ``ArenasSection/largeClassSizes``.
    public struct ArenaEntry: Codable, Sendable {
        /// The arena's figures, decoded from the entry itself (`index` is
        /// `nil`: the entry's key names the arena).
        public var stats: ArenaStats
        /// `bins`: the counters of each small size class.
        public var bins: [BinCounters]?
        /// `lextents`: extents in use of each large size class (each
        /// `{"curlextents": ...}` in the report).
        public var curlextents: [Int]?
    }
}

extension StatsDocument.ArenasSection {
    enum CodingKeys: String, CodingKey {
        case narenas, quantum, page, bin, lextent
    }

    enum LargeClassKeys: String, CodingKey {
        case size
    }

    /// Decodes the `arenas` section of a report.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        narenas = try container.decode(Int.self, forKey: .narenas)
        quantum = try container.decode(Int.self, forKey: .quantum)
        page = try container.decode(Int.self, forKey: .page)
        bin = try container.decodeIfPresent([AllocatorInfo.BinClass].self, forKey: .bin)
        largeClassSizes = try container.decodeIntegers(LargeClassKeys.size, ofEachElementAt: .lextent)
    }

    /// Encodes the section as jemalloc writes it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(narenas, forKey: .narenas)
        try container.encode(quantum, forKey: .quantum)
        try container.encode(page, forKey: .page)
        try container.encodeIfPresent(bin, forKey: .bin)
        try container.encodeIntegers(largeClassSizes, as: LargeClassKeys.size, inEachElementAt: .lextent)
    }
}

extension StatsDocument.ArenaEntry {
    enum CodingKeys: String, CodingKey {
        case bins, lextents
    }

    enum LargeExtentKeys: String, CodingKey {
        case curlextents
    }

    /// Decodes one entry of `stats.arenas`.
    public init(from decoder: any Decoder) throws {
        stats = try ArenaStats(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        bins = try container.decodeIfPresent([BinCounters].self, forKey: .bins)
        curlextents = try container.decodeIntegers(LargeExtentKeys.curlextents, ofEachElementAt: .lextents)
    }

    /// Encodes the entry as jemalloc writes it: the arena's figures and its
    /// size classes' counters in one object.
    public func encode(to encoder: any Encoder) throws {
        try stats.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(bins, forKey: .bins)
        try container.encodeIntegers(curlextents, as: LargeExtentKeys.curlextents, inEachElementAt: .lextents)
    }
}

extension KeyedDecodingContainer {
    /// The integer under `field` in each object of the array at `key`, or
    /// `nil` when `key` is absent or null: jemalloc writes one-figure records
    /// such as `[{"size": 16384}, ...]`.
    fileprivate func decodeIntegers<Field: CodingKey>(_ field: Field, ofEachElementAt key: Key) throws -> [Int]? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        var elements = try nestedUnkeyedContainer(forKey: key)
        var values: [Int] = []
        while !elements.isAtEnd {
            let element = try elements.nestedContainer(keyedBy: Field.self)
            values.append(try element.decode(Int.self, forKey: field))
        }
        return values
    }
}

extension KeyedEncodingContainer {
    /// Writes `values`, when not `nil`, as an array at `key` of objects each
    /// holding one value under `field`.
    fileprivate mutating func encodeIntegers<Field: CodingKey>(_ values: [Int]?, as field: Field,
                                                               inEachElementAt key: Key) throws {
        guard let values else { return }
        var elements = nestedUnkeyedContainer(forKey: key)
        for value in values {
            var element = elements.nestedContainer(keyedBy: Field.self)
            try element.encode(value, forKey: field)
        }
    }
}
