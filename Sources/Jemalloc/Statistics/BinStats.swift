/// One small size class ("bin") of one arena: its geometry from
/// `arenas.bin.<j>.*` and its occupancy from `stats.arenas.<i>.bins.<j>.*`.
public struct BinStats: Codable, Equatable, Sendable {
    /// The bin's index among the small size classes.
    public var index: Int
    /// The size class in bytes: every region of this bin is this large.
    public var sizeClass: Int
    /// Regions per slab.
    public var nregs: UInt32
    /// Bytes per slab.
    public var slabSize: Int
    /// Regions currently allocated.
    public var curregs: Int
    /// Slabs currently in use.
    public var curslabs: Int
    /// Slabs with at least one free region.
    public var nonfullSlabs: Int
    public var nmalloc: UInt64
    public var ndalloc: UInt64
    public var nrequests: UInt64

    public init(index: Int, sizeClass: Int, nregs: UInt32, slabSize: Int, curregs: Int, curslabs: Int,
                nonfullSlabs: Int, nmalloc: UInt64, ndalloc: UInt64, nrequests: UInt64) {
        self.index = index
        self.sizeClass = sizeClass
        self.nregs = nregs
        self.slabSize = slabSize
        self.curregs = curregs
        self.curslabs = curslabs
        self.nonfullSlabs = nonfullSlabs
        self.nmalloc = nmalloc
        self.ndalloc = ndalloc
        self.nrequests = nrequests
    }

    /// Bytes held by allocated regions: `curregs × sizeClass`.
    public var allocatedBytes: Int { curregs * sizeClass }
    /// Bytes of the slabs in use: `curslabs × slabSize`.
    public var slabBytes: Int { curslabs * slabSize }
    /// The share of regions in the bin's slabs that are allocated, 0...1
    /// (0 when the bin has no slab).
    public var utilisation: Double { ratio(curregs, curslabs * Int(nregs)) }

    static let curregsControl = MallctlControl<Int>("stats.arenas.<i>.bins.<j>.curregs")
    static let curslabsControl = MallctlControl<Int>("stats.arenas.<i>.bins.<j>.curslabs")
    static let nonfullControl = MallctlControl<Int>("stats.arenas.<i>.bins.<j>.nonfull_slabs")
    static let nmallocControl = MallctlControl<UInt64>("stats.arenas.<i>.bins.<j>.nmalloc")
    static let ndallocControl = MallctlControl<UInt64>("stats.arenas.<i>.bins.<j>.ndalloc")
    static let nrequestsControl = MallctlControl<UInt64>("stats.arenas.<i>.bins.<j>.nrequests")

    /// Reads bin `bin` of arena `arena` (or ``ArenaStats/mergedIndex``),
    /// advancing the epoch first when `refresh` is true.
    public static func read(arena: Int, bin: Int, refresh: Bool = true) throws(MallctlError) -> BinStats {
        if refresh { try Epoch.advance() }
        let geometry = try AllocatorInfo.binClass(bin)
        return BinStats(
            index: bin, sizeClass: geometry.size, nregs: geometry.nregs, slabSize: geometry.slabSize,
            curregs: try curregsControl.read(arena, bin),
            curslabs: try curslabsControl.read(arena, bin),
            nonfullSlabs: try nonfullControl.read(arena, bin),
            nmalloc: try nmallocControl.read(arena, bin),
            ndalloc: try ndallocControl.read(arena, bin),
            nrequests: try nrequestsControl.read(arena, bin))
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

/// One large size class of one arena: extents of exactly this size in use,
/// from `stats.arenas.<i>.lextents.<j>.curlextents`.
public struct LargeExtentStats: Codable, Equatable, Sendable {
    /// The class's index among the large size classes.
    public var index: Int
    /// The size class in bytes.
    public var sizeClass: Int
    /// Extents of this class currently allocated.
    public var curlextents: Int

    public init(index: Int, sizeClass: Int, curlextents: Int) {
        self.index = index
        self.sizeClass = sizeClass
        self.curlextents = curlextents
    }

    /// Bytes held: `curlextents × sizeClass`.
    public var allocatedBytes: Int { curlextents * sizeClass }

    static let curlextentsControl = MallctlControl<Int>("stats.arenas.<i>.lextents.<j>.curlextents")

    /// The large size classes of arena `arena` that have extents in use,
    /// advancing the epoch first when `refresh` is true.
    public static func readInUse(arena: Int, refresh: Bool = true) throws(MallctlError) -> [LargeExtentStats] {
        if refresh { try Epoch.advance() }
        var classes: [LargeExtentStats] = []
        for index in 0..<(try AllocatorInfo.largeClassCount()) {
            let count = try curlextentsControl.read(arena, index)
            if count > 0 {
                classes.append(LargeExtentStats(index: index, sizeClass: try AllocatorInfo.largeClassSize(index),
                                                curlextents: count))
            }
        }
        return classes
    }
}
