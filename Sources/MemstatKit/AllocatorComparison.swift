import Foundation
import Jemalloc
import Reclaim

/// What changed between two allocator reports (`memstat diff` of two
/// `reclaim.memstat/1` documents that carry totals).
public struct AllocatorComparison: Codable, Sendable {
    /// A figure in both reports: before, after and the difference.
    public typealias Change = SnapshotComparison.Change

    /// One arena in either report.
    public struct ArenaChange: Codable, Sendable {
        /// The arena index.
        public var index: Int
        /// Bytes allocated in the arena, small plus large (``ArenaStats/allocated``).
        public var allocated: Change
        /// Bytes in the arena's resident pages (`stats.arenas.<i>.resident`).
        public var resident: Change
    }

    /// One small size class holding bytes in either report.
    public struct BinChange: Codable, Sendable {
        /// The size class, in bytes.
        public var sizeClass: Int
        /// Regions in use in the size class (`curregs`).
        public var regions: Change
        /// Bytes held by those regions (`curregs × size`).
        public var allocatedBytes: Change
    }

    /// Bytes allocated by the application (`stats.allocated`).
    public var allocated: Change
    /// Bytes in active pages (`stats.active`).
    public var active: Change
    /// Bytes in resident pages (`stats.resident`).
    public var resident: Change
    /// Bytes jemalloc has mapped (`stats.mapped`).
    public var mapped: Change
    /// Bytes of retained virtual memory (`stats.retained`).
    public var retained: Change
    /// Bytes of jemalloc's metadata (`stats.metadata`).
    public var metadata: Change
    /// Arenas present in either report, by index.
    public var arenas: [ArenaChange]
    /// Size classes listed in both reports whose bytes changed, largest
    /// change first (summaries list only the classes holding the most bytes).
    public var bins: [BinChange]

    /// Compares `older` with `newer`.
    ///
    /// - Throws: ``ComparisonError`` when either report has no totals.
    public init(older: Report, newer: Report) throws(ComparisonError) {
        guard let before = older.content.totals, let after = newer.content.totals else {
            throw ComparisonError.missingSection("totals", kind: (older.content.totals == nil ? older : newer).kind.rawValue)
        }
        allocated = Change(before: before.allocated, after: after.allocated)
        active = Change(before: before.active, after: after.active)
        resident = Change(before: before.resident, after: after.resident)
        mapped = Change(before: before.mapped, after: after.mapped)
        retained = Change(before: before.retained, after: after.retained)
        metadata = Change(before: before.metadata, after: after.metadata)

        func byIndex(_ report: Report) -> [Int: ArenaStats] {
            Dictionary((report.content.arenaRows ?? []).compactMap { row in row.stats.index.map { ($0, row.stats) } },
                       uniquingKeysWith: { first, _ in first })
        }
        let olderArenas = byIndex(older), newerArenas = byIndex(newer)
        arenas = Set(olderArenas.keys).union(newerArenas.keys).sorted().map { index in
            let old = olderArenas[index], new = newerArenas[index]
            return ArenaChange(index: index,
                               allocated: Change(before: old?.allocated ?? 0, after: new?.allocated ?? 0),
                               resident: Change(before: old?.resident ?? 0, after: new?.resident ?? 0))
        }

        func bySize(_ rows: [Report.BinRow]) -> [Int: Report.BinRow] {
            Dictionary(rows.map { ($0.stats.geometry.size, $0) }, uniquingKeysWith: { first, _ in first })
        }
        if let olderRows = older.content.binRows, let newerRows = newer.content.binRows {
            let olderBins = bySize(olderRows), newerBins = bySize(newerRows)
            // Summaries list only their top size classes, so a class missing
            // from one list is unknown there, not empty: compare those in both.
            bins = Set(olderBins.keys).intersection(newerBins.keys).map { size in
                BinChange(sizeClass: size,
                          regions: Change(before: olderBins[size]?.stats.counters.curregs ?? 0,
                                          after: newerBins[size]?.stats.counters.curregs ?? 0),
                          allocatedBytes: Change(before: olderBins[size]?.allocatedBytes ?? 0,
                                                 after: newerBins[size]?.allocatedBytes ?? 0))
            }
            .filter { $0.allocatedBytes.delta != 0 }
            .sorted { (abs($0.allocatedBytes.delta), $1.sizeClass) > (abs($1.allocatedBytes.delta), $0.sizeClass) }
        } else {
            bins = []
        }
    }
}

extension Report.Content {
    /// The allocator totals, for the kinds that carry them (`summary`,
    /// `arenas`, `run`, `leaks`).
    var totals: GlobalStats? {
        switch self {
        case .summary(let summary), .run(let summary, _): summary.totals
        case .arenas(let totals, _), .leaks(let totals, _, _, _): totals
        case .bins, .config, .demo, .diff, .attach, .top, .stress: nil
        }
    }

    /// The arenas listed, for the kinds that list them (`summary`, `arenas`, `run`).
    var arenaRows: [Report.ArenaRow]? {
        switch self {
        case .summary(let summary), .run(let summary, _): summary.arenas
        case .arenas(_, let arenas): arenas
        case .bins, .config, .leaks, .demo, .diff, .attach, .top, .stress: nil
        }
    }

    /// The small size classes listed, for the kinds that list them
    /// (`summary` and `run` their top ones, `bins` all of one arena).
    var binRows: [Report.BinRow]? {
        switch self {
        case .summary(let summary), .run(let summary, _): summary.bins
        case .bins(let bins, _): bins
        case .arenas, .config, .leaks, .demo, .diff, .attach, .top, .stress: nil
        }
    }
}
