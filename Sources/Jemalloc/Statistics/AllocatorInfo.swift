/// The allocator's fixed geometry, from `arenas.*`: page and quantum sizes,
/// arena count and the size classes.
public enum AllocatorInfo {
    static let narenasControl = MallctlControl<UInt32>("arenas.narenas")
    static let pageControl = MallctlControl<Int>("arenas.page")
    static let quantumControl = MallctlControl<Int>("arenas.quantum")
    static let nbinsControl = MallctlControl<UInt32>("arenas.nbins")
    static let nlextentsControl = MallctlControl<UInt32>("arenas.nlextents")
    static let binSizeControl = MallctlControl<Int>("arenas.bin.<i>.size")
    static let binNregsControl = MallctlControl<UInt32>("arenas.bin.<i>.nregs")
    static let binSlabSizeControl = MallctlControl<Int>("arenas.bin.<i>.slab_size")
    static let lextentSizeControl = MallctlControl<Int>("arenas.lextent.<i>.size")
    static let initializedControl = MallctlControl<Bool>("arena.<i>.initialized")
    static let tcacheMaxControl = MallctlControl<Int>("arenas.tcache_max")

    /// The current limit on arena indices: automatic arenas plus those created
    /// with ``Arena/create()``.
    public static func arenaCount() throws(MallctlError) -> Int { Int(try narenasControl.read()) }
    /// The page size in bytes.
    public static func page() throws(MallctlError) -> Int { try pageControl.read() }
    /// The quantum: the alignment every allocation at least has.
    public static func quantum() throws(MallctlError) -> Int { try quantumControl.read() }
    /// The largest size a thread cache holds.
    public static func tcacheMax() throws(MallctlError) -> Int { try tcacheMaxControl.read() }
    /// The number of small size classes.
    public static func binCount() throws(MallctlError) -> Int { Int(try nbinsControl.read()) }
    /// The number of large size classes.
    public static func largeClassCount() throws(MallctlError) -> Int { Int(try nlextentsControl.read()) }

    /// The geometry of small size class `index`.
    public static func binClass(_ index: Int) throws(MallctlError) -> BinClass {
        BinClass(size: try binSizeControl.read(index), nregs: try binNregsControl.read(index),
                 slabSize: try binSlabSizeControl.read(index))
    }

    /// Every small size class, smallest first.
    public static func binClasses() throws(MallctlError) -> [BinClass] {
        var classes: [BinClass] = []
        for index in 0..<(try binCount()) { classes.append(try binClass(index)) }
        return classes
    }

    /// The size in bytes of large size class `index`.
    public static func largeClassSize(_ index: Int) throws(MallctlError) -> Int {
        try lextentSizeControl.read(index)
    }

    /// Whether arena `index` exists and has been initialised.
    public static func isArenaInitialized(_ index: Int) throws(MallctlError) -> Bool {
        try initializedControl.read(index)
    }

    /// The indices of every initialised arena.
    public static func initializedArenas() throws(MallctlError) -> [Int] {
        var indices: [Int] = []
        for index in 0..<(try arenaCount()) where try isArenaInitialized(index) { indices.append(index) }
        return indices
    }
}
