/// One JSON statistics report of jemalloc 5.3, as `malloc_stats_print` with
/// option `J` writes it: `{"jemalloc": {...}}`.
///
/// Only the parts this library reports are decoded; jemalloc's mutex
/// profiling and HPA figures are skipped. Sections a report can leave out
/// (through the `malloc_stats_print` option letters) are optional.
public struct StatsDocument: Codable, Sendable {
    public var jemalloc: Body

    public struct Body: Codable, Sendable {
        /// Left out of reports printed without general information (option `g`).
        public var version: String?
        /// `config.*`, by name without the prefix.
        public var config: [String: SettingValue]?
        /// `opt.*`, by name without the prefix.
        public var opt: [String: SettingValue]?
        public var arenas: ArenasSection?
        /// `stats.*`: the process totals.
        public var stats: GlobalStats?
        /// Per arena, keyed by the arena index as a string, and `"merged"`
        /// and `"destroyed"` when more than one arena is in use.
        public var statsArenas: [String: ArenaRecord]?

        enum CodingKeys: String, CodingKey {
            case version, config, opt, arenas, stats
            case statsArenas = "stats.arenas"
        }
    }

    /// `arenas.*`: geometry and size classes.
    public struct ArenasSection: Codable, Sendable {
        public var narenas: Int
        public var quantum: Int
        public var page: Int
        public var bin: [BinClassRecord]?
        public var lextent: [LargeClassRecord]?
    }

    public struct BinClassRecord: Codable, Sendable {
        public var size: Int
        public var nregs: UInt32
        public var slabSize: Int
        enum CodingKeys: String, CodingKey { case size, nregs, slabSize = "slab_size" }
    }

    public struct LargeClassRecord: Codable, Sendable {
        public var size: Int
    }

    /// `stats.arenas.<i>.*`.
    public struct ArenaRecord: Codable, Sendable {
        public var nthreads: UInt32
        public var pactive: Int
        public var pdirty: Int
        public var pmuzzy: Int
        public var mapped: Int
        public var retained: Int
        public var base: Int
        public var `internal`: Int
        public var resident: Int
        public var tcacheBytes: Int
        public var small: AllocationCounters
        public var large: AllocationCounters
        public var bins: [BinRecord]?
        public var lextents: [LargeExtentRecord]?

        enum CodingKeys: String, CodingKey {
            case nthreads, pactive, pdirty, pmuzzy, mapped, retained, base, `internal`, resident
            case tcacheBytes = "tcache_bytes"
            case small, large, bins, lextents
        }
    }

    /// `stats.arenas.<i>.bins.<j>.*`.
    public struct BinRecord: Codable, Sendable {
        public var nmalloc: UInt64
        public var ndalloc: UInt64
        public var curregs: Int
        public var nrequests: UInt64
        public var curslabs: Int
        public var nonfullSlabs: Int

        enum CodingKeys: String, CodingKey {
            case nmalloc, ndalloc, curregs, nrequests, curslabs
            case nonfullSlabs = "nonfull_slabs"
        }
    }

    /// `stats.arenas.<i>.lextents.<j>.*`.
    public struct LargeExtentRecord: Codable, Sendable {
        public var curlextents: Int
    }
}
