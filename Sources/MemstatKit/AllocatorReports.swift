import Jemalloc

extension Report {
    /// How many size classes the summary lists.
    public static let summaryBinCount = 10

    /// The summary of this or another process's allocator: totals, ratios,
    /// every arena, and the size classes of all arenas merged that hold the
    /// most bytes.
    public static func summary(_ snapshot: AllocatorSnapshot, source: Source) -> Report {
        Report(source: source, snapshot: snapshot, content: .summary(Summary(snapshot)))
    }

    /// `memstat run`: the program's summary at exit, and `series` when the
    /// run recorded its totals (`--interval`).
    public static func run(_ snapshot: AllocatorSnapshot, source: Source, series: [SeriesPoint]?) -> Report {
        Report(source: source, snapshot: snapshot, content: .run(Summary(snapshot), series: series))
    }

    /// `memstat run --leaks`: the program's totals and ratios at exit, the
    /// allocation sites `leaks` lists, and `series` when the run recorded
    /// its totals.
    public static func leaks(_ snapshot: AllocatorSnapshot, source: Source, leaks: LeakReport,
                             series: [SeriesPoint]?) -> Report {
        Report(source: source, snapshot: snapshot,
               content: .leaks(totals: snapshot.totals, ratios: Ratios(snapshot.totals), leaks: leaks, series: series))
    }

    /// Every arena, and all arenas merged first.
    public static func arenas(_ snapshot: AllocatorSnapshot, source: Source) -> Report {
        let rows = ([snapshot.merged] + snapshot.arenas).map { ArenaRow($0.stats, page: snapshot.page) }
        return Report(source: source, snapshot: snapshot, content: .arenas(totals: snapshot.totals, arenas: rows))
    }

    /// Every size class of one arena (`nil`: all arenas merged), and the
    /// large classes in use.
    ///
    /// - Throws: ``UnknownArena`` when no initialised arena has that index.
    public static func bins(_ snapshot: AllocatorSnapshot, arena: Int?, source: Source) throws(UnknownArena) -> Report {
        let chosen: AllocatorSnapshot.ArenaSnapshot
        if let arena {
            guard let match = snapshot.arenas.first(where: { $0.stats.index == arena }) else {
                throw UnknownArena(index: arena, known: snapshot.arenas.compactMap(\.stats.index))
            }
            chosen = match
        } else {
            chosen = snapshot.merged
        }
        return Report(source: source, snapshot: snapshot,
                      content: .bins(chosen.bins.map { BinRow($0, arena: arena) },
                                     largeExtents: chosen.largeExtents.map { LargeRow($0, arena: arena) }))
    }

    /// The version, build settings and options in force.
    public static func config(_ snapshot: AllocatorSnapshot, source: Source) -> Report {
        Report(source: source, snapshot: snapshot,
               content: .config(settings: snapshot.settings, options: snapshot.options))
    }
}

extension Report.Summary {
    /// The summary of `snapshot`: its totals and their ratios, every arena,
    /// and the ``Report/summaryBinCount`` size classes of all arenas merged
    /// that hold the most bytes, most first.
    public init(_ snapshot: AllocatorSnapshot) {
        self.init(
            totals: snapshot.totals,
            ratios: Report.Ratios(snapshot.totals),
            arenas: snapshot.arenas.map { Report.ArenaRow($0.stats, page: snapshot.page) },
            bins: Array(snapshot.merged.bins.filter { $0.counters.curregs > 0 }
                .sorted { ($0.allocatedBytes, $1.index) > ($1.allocatedBytes, $0.index) }
                .prefix(Report.summaryBinCount)
                .map { Report.BinRow($0, arena: nil) }))
    }
}
