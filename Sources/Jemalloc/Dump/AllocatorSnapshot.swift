/// Everything the allocator reports at one moment: totals, each arena with
/// its bins and large classes, and the build and options. It is made either
/// by reading the controls of this process (``current()``) or from a JSON
/// report of any process (``init(document:)``), so both give one shape.
public struct AllocatorSnapshot: Codable, Sendable {
    /// One arena and its size classes.
    public struct ArenaSnapshot: Codable, Sendable {
        /// The arena's figures (`index` is `nil` for all arenas merged).
        public var stats: ArenaStats
        /// Every small size class, in size order.
        public var bins: [BinStats]
        /// The large size classes with extents in use.
        public var largeExtents: [LargeExtentStats]

        /// An arena with the given figures and size classes.
        public init(stats: ArenaStats, bins: [BinStats], largeExtents: [LargeExtentStats]) {
            self.stats = stats
            self.bins = bins
            self.largeExtents = largeExtents
        }
    }

    /// jemalloc's version string (`version`).
    public var version: String
    /// The page size in bytes (`arenas.page`).
    public var page: Int
    /// The quantum in bytes, the alignment every allocation at least has (`arenas.quantum`).
    public var quantum: Int
    /// Process-wide totals (`stats.*`).
    public var totals: GlobalStats
    /// All arenas merged.
    public var merged: ArenaSnapshot
    /// Each initialised arena, by index.
    public var arenas: [ArenaSnapshot]
    /// `config.*`.
    public var settings: [Setting]
    /// `opt.*`.
    public var options: [Setting]

    /// Reads this process's allocator, after advancing the epoch.
    ///
    /// Arenas are not created, reset or destroyed through ``Arena`` while the
    /// snapshot is read, so every arena listed is read whole.
    public static func current() throws(MallctlError) -> AllocatorSnapshot {
        try arenaLifecycleLock.withLock { _ throws(MallctlError) in try read() }
    }

    static func read() throws(MallctlError) -> AllocatorSnapshot {
        try Epoch.advance()
        func arena(_ index: Int) throws(MallctlError) -> ArenaSnapshot {
            ArenaSnapshot(stats: try ArenaStats.read(arena: index, refresh: false),
                          bins: try BinStats.readAll(arena: index, refresh: false),
                          largeExtents: try LargeExtentStats.readInUse(arena: index, refresh: false))
        }
        var arenas: [ArenaSnapshot] = []
        for index in try AllocatorInfo.initializedArenas() { arenas.append(try arena(index)) }
        return AllocatorSnapshot(
            version: try BuildConfiguration.version(),
            page: try AllocatorInfo.page(), quantum: try AllocatorInfo.quantum(),
            totals: try GlobalStats.read(refresh: false),
            merged: try arena(ArenaStats.mergedIndex),
            arenas: arenas,
            settings: try BuildConfiguration.settings(),
            options: try BuildConfiguration.options())
    }

    /// A snapshot with the given figures.
    public init(version: String, page: Int, quantum: Int, totals: GlobalStats, merged: ArenaSnapshot,
                arenas: [ArenaSnapshot], settings: [Setting], options: [Setting]) {
        self.version = version
        self.page = page
        self.quantum = quantum
        self.totals = totals
        self.merged = merged
        self.arenas = arenas
        self.settings = settings
        self.options = options
    }

    /// Converts a decoded JSON report.
    ///
    /// - Throws: ``IncompleteReport`` when the report leaves out a section
    ///   needed here (totals, arena geometry or per-arena figures).
    public init(document: StatsDocument) throws(IncompleteReport) {
        let body = document.jemalloc
        guard let version = body.version else { throw IncompleteReport(section: "version") }
        guard let geometry = body.arenas else { throw IncompleteReport(section: "arenas") }
        guard let totals = body.stats else { throw IncompleteReport(section: "stats") }
        guard let entries = body.statsArenas, !entries.isEmpty else { throw IncompleteReport(section: "stats.arenas") }
        let binClasses = geometry.bin ?? []
        let largeClassSizes = geometry.largeClassSizes ?? []

        func arena(_ entry: StatsDocument.ArenaEntry, index: Int?) -> ArenaSnapshot {
            var stats = entry.stats
            stats.index = index
            let bins = zip(binClasses, entry.bins ?? []).enumerated().map { bin, pair in
                BinStats(index: bin, geometry: pair.0, counters: pair.1)
            }
            let large = zip(largeClassSizes, entry.curlextents ?? []).compactMap { size, count in
                count == 0 ? nil : LargeExtentStats(sizeClass: size, curlextents: count)
            }
            return ArenaSnapshot(stats: stats, bins: bins, largeExtents: large)
        }

        let indexed = entries.compactMap { key, entry in Int(key).map { ($0, entry) } }.sorted { $0.0 < $1.0 }
        let arenas = indexed.map { arena($0.1, index: $0.0) }
        // jemalloc writes "merged" only when more than one arena is in use;
        // with one, that arena is the merged view.
        let merged: ArenaSnapshot
        if let entry = entries["merged"] {
            merged = arena(entry, index: nil)
        } else {
            var only = arenas[0]
            only.stats.index = nil
            merged = only
        }
        func settings(_ dictionary: [String: SettingValue]?) -> [Setting] {
            (dictionary ?? [:]).map { Setting(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
        }
        self.init(
            version: version, page: geometry.page, quantum: geometry.quantum,
            totals: totals,
            merged: merged, arenas: arenas,
            settings: settings(body.config), options: settings(body.opt))
    }
}

/// A JSON statistics report that lacks a section a snapshot needs.
public struct IncompleteReport: Error, Equatable, Sendable, CustomStringConvertible {
    /// The missing section's key.
    public var section: String
    /// An error for the missing section `section`.
    public init(section: String) { self.section = section }
    /// A sentence naming the missing section: `jemalloc statistics report has no "<section>" section`.
    public var description: String { "jemalloc statistics report has no \"\(section)\" section" }
}
