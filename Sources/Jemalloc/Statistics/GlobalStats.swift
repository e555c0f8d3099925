/// Process-wide totals, from `stats.*`.
///
/// All figures are bytes. In jemalloc's words: `allocated` is what the
/// application holds, `active` the pages backing it (so `active - allocated`
/// is fragmentation inside slabs), `resident` the pages physically mapped,
/// `mapped` what jemalloc has mapped, `retained` virtual memory kept for
/// reuse without being mapped to anything, and `metadata` jemalloc's own
/// bookkeeping.
public struct GlobalStats: Codable, Equatable, Sendable {
    /// Bytes allocated by the application (`stats.allocated`).
    public var allocated: Int
    /// Bytes in active pages (`stats.active`).
    public var active: Int
    /// Bytes of jemalloc's own metadata (`stats.metadata`).
    public var metadata: Int
    /// Bytes in physically resident pages jemalloc maps (`stats.resident`).
    public var resident: Int
    /// Bytes in active extents jemalloc has mapped (`stats.mapped`).
    public var mapped: Int
    /// Bytes of virtual memory kept for reuse rather than returned to the system (`stats.retained`).
    public var retained: Int

    /// Totals with the given values, in bytes.
    public init(allocated: Int, active: Int, metadata: Int, resident: Int, mapped: Int, retained: Int) {
        self.allocated = allocated
        self.active = active
        self.metadata = metadata
        self.resident = resident
        self.mapped = mapped
        self.retained = retained
    }

    static let allocatedControl = MallctlControl<Int>("stats.allocated")
    static let activeControl = MallctlControl<Int>("stats.active")
    static let metadataControl = MallctlControl<Int>("stats.metadata")
    static let residentControl = MallctlControl<Int>("stats.resident")
    static let mappedControl = MallctlControl<Int>("stats.mapped")
    static let retainedControl = MallctlControl<Int>("stats.retained")

    /// Reads the totals, advancing the epoch first when `refresh` is true.
    public static func read(refresh: Bool = true) throws(MallctlError) -> GlobalStats {
        if refresh { try Epoch.advance() }
        return GlobalStats(
            allocated: try allocatedControl.read(),
            active: try activeControl.read(),
            metadata: try metadataControl.read(),
            resident: try residentControl.read(),
            mapped: try mappedControl.read(),
            retained: try retainedControl.read())
    }

    /// `active / allocated`: how much page space the live bytes take up
    /// (1.0 is no fragmentation).
    public var activeToAllocated: Double { ratio(active, allocated) }
    /// `resident / active`: pages resident beyond those in use (dirty pages
    /// awaiting purge, metadata).
    public var residentToActive: Double { ratio(resident, active) }
    /// `metadata / resident`: the share of resident memory jemalloc spends on itself.
    public var metadataShare: Double { ratio(metadata, resident) }
}

@inline(__always)
func ratio(_ numerator: Int, _ denominator: Int) -> Double {
    denominator == 0 ? 0 : Double(numerator) / Double(denominator)
}
