/// One arena's figures, from `stats.arenas.<i>.*`.
///
/// The same type is read through mallctl (``read(arena:refresh:)``) and
/// decoded from an entry of `stats.arenas` in jemalloc's JSON report
/// (``StatsDocument/ArenaEntry``): its coding keys are jemalloc's names.
/// ``index`` is not part of that entry, whose key names the arena; it decodes
/// as `nil` there.
///
/// Page counts (`pactive`, `pdirty`, `pmuzzy`) are in pages of
/// ``AllocatorInfo/page()`` bytes; every other size is in bytes.
public struct ArenaStats: Codable, Equatable, Sendable {
    /// The arena index, or `nil` for the figures merged over all arenas.
    public var index: Int?
    /// Threads currently bound to the arena.
    public var nthreads: UInt32
    /// Pages in active extents.
    public var pactive: Int
    /// Dirty pages: unused, still resident, awaiting decay.
    public var pdirty: Int
    /// Muzzy pages: unused, advised away but not yet given back.
    public var pmuzzy: Int
    /// Bytes mapped by the arena.
    public var mapped: Int
    /// Bytes of virtual memory the arena keeps for reuse without mapping it.
    public var retained: Int
    /// Bytes of metadata allocated for the arena's own structures.
    public var base: Int
    /// Bytes of internal allocations (jemalloc's own use of the arena).
    public var `internal`: Int
    /// Bytes in physically resident pages the arena maps.
    public var resident: Int
    /// Bytes cached in thread caches bound to the arena.
    public var tcacheBytes: Int
    /// The counters of the small size classes together.
    public var small: AllocationCounters
    /// The counters of the large size classes together.
    public var large: AllocationCounters

    /// Figures with the given values.
    public init(index: Int?, nthreads: UInt32, pactive: Int, pdirty: Int, pmuzzy: Int,
                mapped: Int, retained: Int, base: Int, internal: Int, resident: Int,
                tcacheBytes: Int, small: AllocationCounters, large: AllocationCounters) {
        self.index = index
        self.nthreads = nthreads
        self.pactive = pactive
        self.pdirty = pdirty
        self.pmuzzy = pmuzzy
        self.mapped = mapped
        self.retained = retained
        self.base = base
        self.internal = `internal`
        self.resident = resident
        self.tcacheBytes = tcacheBytes
        self.small = small
        self.large = large
    }

    /// Bytes allocated in the arena, small plus large.
    public var allocated: Int { small.allocated + large.allocated }

    enum CodingKeys: String, CodingKey {
        case index, nthreads, pactive, pdirty, pmuzzy, mapped, retained, base, `internal`, resident
        case tcacheBytes = "tcache_bytes"
        case small, large
    }

    static let nthreadsControl = MallctlControl<UInt32>("stats.arenas.<i>.nthreads")
    static let pactiveControl = MallctlControl<Int>("stats.arenas.<i>.pactive")
    static let pdirtyControl = MallctlControl<Int>("stats.arenas.<i>.pdirty")
    static let pmuzzyControl = MallctlControl<Int>("stats.arenas.<i>.pmuzzy")
    static let mappedControl = MallctlControl<Int>("stats.arenas.<i>.mapped")
    static let retainedControl = MallctlControl<Int>("stats.arenas.<i>.retained")
    static let baseControl = MallctlControl<Int>("stats.arenas.<i>.base")
    static let internalControl = MallctlControl<Int>("stats.arenas.<i>.internal")
    static let residentControl = MallctlControl<Int>("stats.arenas.<i>.resident")
    static let tcacheBytesControl = MallctlControl<Int>("stats.arenas.<i>.tcache_bytes")
    static let smallControls = AllocationCounters.Controls(prefix: "stats.arenas.<i>.small")
    static let largeControls = AllocationCounters.Controls(prefix: "stats.arenas.<i>.large")

    /// Reads the figures of arena `index` (or ``ArenaStats/mergedIndex`` for
    /// all arenas merged), advancing the epoch first when `refresh` is true.
    public static func read(arena index: Int, refresh: Bool = true) throws(MallctlError) -> ArenaStats {
        if refresh { try Epoch.advance() }
        return ArenaStats(
            index: index == mergedIndex ? nil : index,
            nthreads: try nthreadsControl.read(index),
            pactive: try pactiveControl.read(index),
            pdirty: try pdirtyControl.read(index),
            pmuzzy: try pmuzzyControl.read(index),
            mapped: try mappedControl.read(index),
            retained: try retainedControl.read(index),
            base: try baseControl.read(index),
            internal: try internalControl.read(index),
            resident: try residentControl.read(index),
            tcacheBytes: try tcacheBytesControl.read(index),
            small: try smallControls.read(index),
            large: try largeControls.read(index))
    }

    /// The pseudo-index jemalloc uses for statistics merged over all arenas
    /// (`MALLCTL_ARENAS_ALL`).
    public static let mergedIndex = 4096
}
