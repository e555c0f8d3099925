/// Counters of one allocation class (small or large) within an arena, from
/// `stats.arenas.<i>.small.*` and `stats.arenas.<i>.large.*`.
///
/// The same type is read through mallctl (as part of ``ArenaStats``) and
/// decoded from the `small` and `large` objects of an arena in jemalloc's
/// JSON report: its coding keys are jemalloc's names.
public struct AllocationCounters: Codable, Equatable, Sendable {
    /// Bytes currently allocated in this class.
    public var allocated: Int
    /// Allocations served from the arena (tcache fills count as one each).
    public var nmalloc: UInt64
    /// Deallocations returned to the arena.
    public var ndalloc: UInt64
    /// Allocation requests, including those a tcache served.
    public var nrequests: UInt64

    /// Counters with the given values.
    public init(allocated: Int, nmalloc: UInt64, ndalloc: UInt64, nrequests: UInt64) {
        self.allocated = allocated
        self.nmalloc = nmalloc
        self.ndalloc = ndalloc
        self.nrequests = nrequests
    }

    /// The controls of one class, `<prefix>.allocated` and so on.
    struct Controls: Sendable {
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

        /// The counters of arena `arena`, from the current epoch.
        func read(_ arena: Int) throws(MallctlError) -> AllocationCounters {
            AllocationCounters(allocated: try allocated.read(arena), nmalloc: try nmalloc.read(arena),
                               ndalloc: try ndalloc.read(arena), nrequests: try nrequests.read(arena))
        }
    }
}
