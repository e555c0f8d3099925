/// The counters of one small size class ("bin") in one arena, from
/// `stats.arenas.<i>.bins.<j>.*`.
///
/// The same type is read through mallctl (``read(arena:bin:refresh:)``) and
/// decoded from an element of `stats.arenas.<i>.bins` in jemalloc's JSON
/// report: its coding keys are jemalloc's names. The class's geometry is
/// ``AllocatorInfo/BinClass``; ``BinStats`` holds both.
public struct BinCounters: Codable, Equatable, Sendable {
    /// Regions currently allocated.
    public var curregs: Int
    /// Slabs currently in use.
    public var curslabs: Int
    /// Slabs with at least one free region.
    public var nonfullSlabs: Int
    /// Allocations served from the bin (tcache fills count as one each).
    public var nmalloc: UInt64
    /// Deallocations returned to the bin.
    public var ndalloc: UInt64
    /// Allocation requests, including those a tcache served.
    public var nrequests: UInt64

    /// Counters with the given values.
    public init(curregs: Int, curslabs: Int, nonfullSlabs: Int, nmalloc: UInt64, ndalloc: UInt64, nrequests: UInt64) {
        self.curregs = curregs
        self.curslabs = curslabs
        self.nonfullSlabs = nonfullSlabs
        self.nmalloc = nmalloc
        self.ndalloc = ndalloc
        self.nrequests = nrequests
    }

    enum CodingKeys: String, CodingKey {
        case curregs, curslabs, nmalloc, ndalloc, nrequests
        case nonfullSlabs = "nonfull_slabs"
    }

    static let curregsControl = MallctlControl<Int>("stats.arenas.<i>.bins.<j>.curregs")
    static let curslabsControl = MallctlControl<Int>("stats.arenas.<i>.bins.<j>.curslabs")
    static let nonfullControl = MallctlControl<Int>("stats.arenas.<i>.bins.<j>.nonfull_slabs")
    static let nmallocControl = MallctlControl<UInt64>("stats.arenas.<i>.bins.<j>.nmalloc")
    static let ndallocControl = MallctlControl<UInt64>("stats.arenas.<i>.bins.<j>.ndalloc")
    static let nrequestsControl = MallctlControl<UInt64>("stats.arenas.<i>.bins.<j>.nrequests")

    /// Reads the counters of bin `bin` of arena `arena` (or
    /// ``ArenaStats/mergedIndex``), advancing the epoch first when `refresh`
    /// is true.
    public static func read(arena: Int, bin: Int, refresh: Bool = true) throws(MallctlError) -> BinCounters {
        if refresh { try Epoch.advance() }
        return BinCounters(
            curregs: try curregsControl.read(arena, bin),
            curslabs: try curslabsControl.read(arena, bin),
            nonfullSlabs: try nonfullControl.read(arena, bin),
            nmalloc: try nmallocControl.read(arena, bin),
            ndalloc: try ndallocControl.read(arena, bin),
            nrequests: try nrequestsControl.read(arena, bin))
    }
}
