/// Counters of one allocation class (small or large) within an arena.
public struct AllocationCounters: Codable, Equatable, Sendable {
    /// Bytes currently allocated in this class.
    public var allocated: Int
    /// Allocations served from the arena (tcache fills count as one each).
    public var nmalloc: UInt64
    /// Deallocations returned to the arena.
    public var ndalloc: UInt64
    /// Allocation requests, including those a tcache served.
    public var nrequests: UInt64

    public init(allocated: Int, nmalloc: UInt64, ndalloc: UInt64, nrequests: UInt64) {
        self.allocated = allocated
        self.nmalloc = nmalloc
        self.ndalloc = ndalloc
        self.nrequests = nrequests
    }
}

/// One arena's figures, from `stats.arenas.<i>.*`.
///
/// Page counts (`pactive`, `pdirty`, `pmuzzy`) are in pages of
/// ``AllocatorInfo/page`` bytes; every other size is in bytes.
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
    public var mapped: Int
    public var retained: Int
    /// Bytes of metadata allocated for the arena's own structures.
    public var base: Int
    /// Bytes of internal allocations (jemalloc's own use of the arena).
    public var `internal`: Int
    public var resident: Int
    /// Bytes cached in thread caches bound to the arena.
    public var tcacheBytes: Int
    public var small: AllocationCounters
    public var large: AllocationCounters

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
    static let smallControls = CounterControls(prefix: "stats.arenas.<i>.small")
    static let largeControls = CounterControls(prefix: "stats.arenas.<i>.large")

    struct CounterControls: Sendable {
        let allocated: MallctlControl<Int>
        let nmalloc: MallctlControl<UInt64>
        let ndalloc: MallctlControl<UInt64>
        let nrequests: MallctlControl<UInt64>

        init(prefix: String) {
            allocated = MallctlControl("\(prefix).allocated")
            nmalloc = MallctlControl("\(prefix).nmalloc")
            ndalloc = MallctlControl("\(prefix).ndalloc")
            nrequests = MallctlControl("\(prefix).nrequests")
        }

        func read(_ arena: Int) throws(MallctlError) -> AllocationCounters {
            AllocationCounters(allocated: try allocated.read(arena), nmalloc: try nmalloc.read(arena),
                               ndalloc: try ndalloc.read(arena), nrequests: try nrequests.read(arena))
        }
    }

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
