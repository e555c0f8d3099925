/// One large size class of one arena: extents of exactly this size in use,
/// from `arenas.lextent.<j>.size` and `stats.arenas.<i>.lextents.<j>.curlextents`.
///
/// jemalloc's JSON report gives the two in different sections
/// (``StatsDocument/ArenasSection/largeClassSizes`` and
/// ``StatsDocument/ArenaEntry/curlextents``); ``AllocatorSnapshot/init(document:)``
/// pairs them by index, as ``readInUse(arena:refresh:)`` does for direct reads.
public struct LargeExtentStats: Codable, Equatable, Sendable {
    /// The size class in bytes.
    public var sizeClass: Int
    /// Extents of this class currently allocated.
    public var curlextents: Int

    /// The class of `sizeClass` bytes with `curlextents` extents in use.
    public init(sizeClass: Int, curlextents: Int) {
        self.sizeClass = sizeClass
        self.curlextents = curlextents
    }

    /// Bytes held: `curlextents × sizeClass`.
    public var allocatedBytes: Int { curlextents * sizeClass }

    static let curlextentsControl = MallctlControl<Int>("stats.arenas.<i>.lextents.<j>.curlextents")

    /// The large size classes of arena `arena` that have extents in use,
    /// smallest first, advancing the epoch first when `refresh` is true.
    public static func readInUse(arena: Int, refresh: Bool = true) throws(MallctlError) -> [LargeExtentStats] {
        if refresh { try Epoch.advance() }
        var classes: [LargeExtentStats] = []
        for index in 0..<(try AllocatorInfo.largeClassCount()) {
            let count = try curlextentsControl.read(arena, index)
            if count > 0 {
                classes.append(LargeExtentStats(sizeClass: try AllocatorInfo.largeClassSize(index), curlextents: count))
            }
        }
        return classes
    }
}
