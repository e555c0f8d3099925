/// One small size class ("bin") of one arena: its geometry from
/// `arenas.bin.<j>.*` and its counters from `stats.arenas.<i>.bins.<j>.*`.
///
/// jemalloc's JSON report gives the two in different sections (`arenas.bin`
/// and `stats.arenas.<i>.bins`); ``AllocatorSnapshot/init(document:)`` pairs
/// them by index, as ``read(arena:bin:refresh:)`` does for direct reads.
public struct BinStats: Codable, Equatable, Sendable {
    /// The bin's index among the small size classes.
    public var index: Int
    /// The size class: every region of this bin is `geometry.size` bytes.
    public var geometry: AllocatorInfo.BinClass
    /// Regions and slabs in use, and allocation counts.
    public var counters: BinCounters

    /// The bin of index `index` with the given geometry and counters.
    public init(index: Int, geometry: AllocatorInfo.BinClass, counters: BinCounters) {
        self.index = index
        self.geometry = geometry
        self.counters = counters
    }

    /// Bytes held by allocated regions: `curregs × size`.
    public var allocatedBytes: Int { counters.curregs * geometry.size }
    /// Bytes of the slabs in use: `curslabs × slabSize`.
    public var slabBytes: Int { counters.curslabs * geometry.slabSize }
    /// The share of regions in the bin's slabs that are allocated, 0...1
    /// (0 when the bin has no slab).
    public var utilisation: Double { ratio(counters.curregs, counters.curslabs * Int(geometry.nregs)) }

    /// Reads bin `bin` of arena `arena` (or ``ArenaStats/mergedIndex``),
    /// advancing the epoch first when `refresh` is true.
    public static func read(arena: Int, bin: Int, refresh: Bool = true) throws(MallctlError) -> BinStats {
        if refresh { try Epoch.advance() }
        return BinStats(index: bin, geometry: try AllocatorInfo.binClass(bin),
                        counters: try BinCounters.read(arena: arena, bin: bin, refresh: false))
    }

    /// Reads every bin of arena `arena`, advancing the epoch first when
    /// `refresh` is true.
    public static func readAll(arena: Int, refresh: Bool = true) throws(MallctlError) -> [BinStats] {
        if refresh { try Epoch.advance() }
        var bins: [BinStats] = []
        for bin in 0..<(try AllocatorInfo.binCount()) {
            bins.append(try read(arena: arena, bin: bin, refresh: false))
        }
        return bins
    }
}
