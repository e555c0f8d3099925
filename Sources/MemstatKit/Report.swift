import Foundation
import Jemalloc
import Reclaim

/// The one document every `memstat --json` report prints, whatever the
/// subcommand; sections a report does not cover are left out. The schema is
/// described field by field in `docs/memstat-json.md`.
public struct Report: Codable, Sendable {
    /// Identifies the schema and its version.
    public static let schemaName = "reclaim.memstat/1"

    /// Which report this is.
    public enum Kind: String, Codable, Sendable {
        case summary, arenas, bins, config, run
        case demo, diff, attach, top, stress, leaks
    }

    /// Whose allocator the figures describe.
    public struct Source: Codable, Sendable {
        /// Which process the figures come from.
        public enum Process: String, Codable, Sendable {
            /// memstat's own process.
            case `self`
            /// The program `memstat run` ran.
            case program
            /// Files given to `memstat diff` (`pid` is memstat's own).
            case files
            /// Another process, read from outside (`memstat attach` and `top`).
            case other
        }

        public var process: Process
        public var pid: Int32
        /// The program and its arguments (`run` only).
        public var command: [String]?
        /// The program's exit status (`run` only).
        public var exitStatus: Int32?
        /// Wall time from start to exit, in seconds (`run` only).
        public var elapsedSeconds: Double?
        /// The documents compared, older first (`diff` only).
        public var files: [String]?

        /// The calling process.
        public static func currentProcess() -> Source {
            Source(process: .self, pid: ProcessInfo.processInfo.processIdentifier)
        }

        /// Documents read from files.
        public static func files(_ files: [String]) -> Source {
            var source = Source(process: .files, pid: ProcessInfo.processInfo.processIdentifier)
            source.files = files
            return source
        }

        public init(process: Process, pid: Int32, command: [String]? = nil,
                    exitStatus: Int32? = nil, elapsedSeconds: Double? = nil) {
            self.process = process
            self.pid = pid
            self.command = command
            self.exitStatus = exitStatus
            self.elapsedSeconds = elapsedSeconds
        }
    }

    /// Facts about the allocator build.
    public struct Allocator: Codable, Sendable {
        public var version: String
        public var page: Int
        public var quantum: Int

        public init(version: String, page: Int, quantum: Int) {
            self.version = version
            self.page = page
            self.quantum = quantum
        }

        /// The jemalloc memstat itself runs on.
        public static func current() throws(MallctlError) -> Allocator {
            Allocator(version: try BuildConfiguration.version(), page: try AllocatorInfo.page(),
                      quantum: try AllocatorInfo.quantum())
        }
    }

    /// Fragmentation ratios derived from the totals.
    public struct Ratios: Codable, Sendable {
        /// `active / allocated`.
        public var activeToAllocated: Double
        /// `resident / active`.
        public var residentToActive: Double
        /// `metadata / resident`.
        public var metadataShare: Double
    }

    /// One arena; `index` is `null` for all arenas merged.
    public struct ArenaRow: Codable, Sendable {
        public var index: Int?
        public var nthreads: UInt32
        public var allocated: Int
        public var small: AllocationCounters
        public var large: AllocationCounters
        /// Active bytes: `pactive × page`.
        public var active: Int
        /// Dirty bytes: `pdirty × page`.
        public var dirty: Int
        /// Muzzy bytes: `pmuzzy × page`.
        public var muzzy: Int
        public var pactive: Int
        public var pdirty: Int
        public var pmuzzy: Int
        public var mapped: Int
        public var retained: Int
        public var base: Int
        public var `internal`: Int
        public var resident: Int
        public var tcacheBytes: Int
    }

    /// One small size class of one arena (`arena` is `null` for all merged).
    public struct BinRow: Codable, Sendable {
        public var arena: Int?
        public var index: Int
        public var sizeClass: Int
        public var nregs: UInt32
        public var slabSize: Int
        public var curregs: Int
        public var curslabs: Int
        public var nonfullSlabs: Int
        public var nmalloc: UInt64
        public var ndalloc: UInt64
        public var nrequests: UInt64
        /// `curregs × sizeClass`.
        public var allocatedBytes: Int
        /// `curregs / (curslabs × nregs)`, 0 when there is no slab.
        public var utilisation: Double
    }

    /// One large size class in use.
    public struct LargeRow: Codable, Sendable {
        public var arena: Int?
        public var sizeClass: Int
        public var curlextents: Int
        public var allocatedBytes: Int
    }

    /// One point of `memstat run --interval`.
    public struct SeriesPoint: Codable, Sendable {
        /// Seconds since the program started.
        public var elapsedSeconds: Double
        public var allocated: Int
        public var active: Int
        public var resident: Int

        public init(elapsedSeconds: Double, allocated: Int, active: Int, resident: Int) {
            self.elapsedSeconds = elapsedSeconds
            self.allocated = allocated
            self.active = active
            self.resident = resident
        }
    }

    public var schema = Report.schemaName
    public var report: Kind
    public var source: Source
    public var allocator: Allocator
    public var totals: GlobalStats?
    public var ratios: Ratios?
    public var arenas: [ArenaRow]?
    public var bins: [BinRow]?
    public var largeExtents: [LargeRow]?
    public var settings: [Setting]?
    public var options: [Setting]?
    public var series: [SeriesPoint]?
    /// `memstat demo`: the scenarios and their figures.
    public var demo: Demo?
    /// `memstat diff` of two heap snapshots.
    public var heapDiff: SnapshotComparison?
    /// `memstat diff` of two allocator reports.
    public var allocatorDiff: AllocatorComparison?
    /// `memstat attach` and `top`: another process's published heap figures.
    public var published: PublishedStatistics?
    /// `memstat run --leaks`: the allocation sites live at exit.
    public var leaks: LeakReport?
    /// `memstat stress`: the run and its leak check.
    public var stress: Stress.Result?
    /// `memstat top`: collections per second of each heap since the previous frame, by heap id.
    public var collectionRates: [String: Double]?

    public init(kind: Report.Kind, source: Source, snapshot: AllocatorSnapshot) {
        self.init(kind: kind, source: source,
                  allocator: Allocator(version: snapshot.version, page: snapshot.page, quantum: snapshot.quantum))
    }

    public init(kind: Report.Kind, source: Source, allocator: Allocator) {
        report = kind
        self.source = source
        self.allocator = allocator
    }
}

extension Report {
    /// How many size classes the summary lists.
    public static let summaryBinCount = 10

    /// The summary: totals, ratios, every arena, and the size classes of all
    /// arenas merged that hold the most bytes.
    public static func summary(_ snapshot: AllocatorSnapshot, source: Source, kind: Kind = .summary) -> Report {
        var report = Report(kind: kind, source: source, snapshot: snapshot)
        report.totals = snapshot.totals
        report.ratios = Ratios(activeToAllocated: snapshot.totals.activeToAllocated,
                               residentToActive: snapshot.totals.residentToActive,
                               metadataShare: snapshot.totals.metadataShare)
        report.arenas = snapshot.arenas.map { ArenaRow($0.stats, page: snapshot.page) }
        report.bins = Array(snapshot.merged.bins.filter { $0.curregs > 0 }
            .sorted { ($0.allocatedBytes, $1.index) > ($1.allocatedBytes, $0.index) }
            .prefix(summaryBinCount)
            .map { BinRow($0, arena: nil) })
        return report
    }

    /// Every arena, and all arenas merged first.
    public static func arenas(_ snapshot: AllocatorSnapshot, source: Source) -> Report {
        var report = Report(kind: .arenas, source: source, snapshot: snapshot)
        report.totals = snapshot.totals
        report.arenas = ([snapshot.merged] + snapshot.arenas).map { ArenaRow($0.stats, page: snapshot.page) }
        return report
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
        var report = Report(kind: .bins, source: source, snapshot: snapshot)
        report.bins = chosen.bins.map { BinRow($0, arena: arena) }
        report.largeExtents = chosen.largeExtents.map {
            LargeRow(arena: arena, sizeClass: $0.sizeClass, curlextents: $0.curlextents, allocatedBytes: $0.allocatedBytes)
        }
        return report
    }

    /// The version, build settings and options in force.
    public static func config(_ snapshot: AllocatorSnapshot, source: Source) -> Report {
        var report = Report(kind: .config, source: source, snapshot: snapshot)
        report.settings = snapshot.settings
        report.options = snapshot.options
        return report
    }
}

/// `--arena N` named an arena that is not initialised.
public struct UnknownArena: Error, Equatable, Sendable, CustomStringConvertible {
    public var index: Int
    public var known: [Int]
    public var description: String {
        "no arena \(index) is in use; arenas in use: \(known.map(String.init).joined(separator: ", "))"
    }
}

extension Report.ArenaRow {
    init(_ stats: ArenaStats, page: Int) {
        self.init(index: stats.index, nthreads: stats.nthreads, allocated: stats.allocated,
                  small: stats.small, large: stats.large,
                  active: stats.pactive * page, dirty: stats.pdirty * page, muzzy: stats.pmuzzy * page,
                  pactive: stats.pactive, pdirty: stats.pdirty, pmuzzy: stats.pmuzzy,
                  mapped: stats.mapped, retained: stats.retained, base: stats.base, internal: stats.internal,
                  resident: stats.resident, tcacheBytes: stats.tcacheBytes)
    }
}

extension Report.BinRow {
    init(_ bin: BinStats, arena: Int?) {
        self.init(arena: arena, index: bin.index, sizeClass: bin.sizeClass, nregs: bin.nregs, slabSize: bin.slabSize,
                  curregs: bin.curregs, curslabs: bin.curslabs, nonfullSlabs: bin.nonfullSlabs,
                  nmalloc: bin.nmalloc, ndalloc: bin.ndalloc, nrequests: bin.nrequests,
                  allocatedBytes: bin.allocatedBytes, utilisation: bin.utilisation)
    }
}
