import Foundation
import Jemalloc
import Reclaim

/// The one document every `memstat --json` report prints, whatever the
/// subcommand: the schema, whose allocator, and the report's own content.
/// The schema is described field by field in `docs/memstat-json.md`; the
/// content's sections are written at the top level of the document, beside
/// `report`, which names its kind.
public struct Report: Sendable {
    /// Identifies the schema and its version.
    public static let schemaName = "reclaim.memstat/1"

    /// The schema the document follows: ``schemaName`` for every report made here.
    public var schema: String
    /// Whose allocator the figures describe.
    public var source: Source
    /// Facts about that allocator's build.
    public var allocator: Allocator
    /// The report's kind and the figures that kind carries.
    public var content: Content

    /// Which report this is.
    public var kind: Kind { content.kind }

    /// A report of `content` on `source`'s allocator.
    public init(source: Source, allocator: Allocator, content: Content) {
        schema = Report.schemaName
        self.source = source
        self.allocator = allocator
        self.content = content
    }

    /// A report of `content` on the allocator `snapshot` was taken of.
    public init(source: Source, snapshot: AllocatorSnapshot, content: Content) {
        self.init(source: source, allocator: Allocator(snapshot), content: content)
    }
}

extension Report {
    /// A report of another process's published figures: `content` is
    /// `.attach` or `.top` of `published`.
    public static func published(_ published: PublishedStatistics, content: Content) -> Report {
        let quantum = (try? Allocator.current().quantum) ?? 16
        return Report(source: Source(process: .other, pid: published.pid),
                      allocator: Allocator(version: published.allocatorVersion, page: published.page, quantum: quantum),
                      content: content)
    }

    /// Which report a document is: the value of its `report` key.
    public enum Kind: String, Codable, Sendable {
        case summary, arenas, bins, config, run
        case demo, diff, attach, top, stress, leaks
    }

    /// Each kind of report with exactly the figures it carries.
    public enum Content: Sendable {
        /// `memstat summary`: totals, ratios, every arena and the size
        /// classes holding the most bytes.
        case summary(Summary)
        /// `memstat arenas`: the totals and every arena, all arenas merged first.
        case arenas(totals: GlobalStats, arenas: [ArenaRow])
        /// `memstat bins`: every small size class of one arena (or all
        /// merged), and its large size classes in use.
        case bins([BinRow], largeExtents: [LargeRow])
        /// `memstat config`: the build configuration (`config.*`) and the
        /// options in force (`opt.*`).
        case config(settings: [Setting], options: [Setting])
        /// `memstat run`: the program's summary at exit, and with
        /// `--interval` its totals over the run.
        case run(Summary, series: [SeriesPoint]?)
        /// `memstat run --leaks`: the program's totals at exit and the
        /// allocation sites live then, and with `--interval` its totals over
        /// the run.
        case leaks(totals: GlobalStats, ratios: Ratios, leaks: LeakReport, series: [SeriesPoint]?)
        /// `memstat demo`: the scenarios and their figures.
        case demo(Demo)
        /// `memstat diff`: the comparison of two documents.
        case diff(Comparison)
        /// `memstat attach`: another process's published heap figures.
        case attach(PublishedStatistics)
        /// One frame of `memstat top`: another process's published heap
        /// figures, and each heap's collections per second since the
        /// previous frame, by heap id (empty in the first frame).
        case top(PublishedStatistics, collectionRates: [String: Double])
        /// `memstat stress`: the run and its leak check.
        case stress(Stress.Result)

        /// The kind of report this content makes.
        public var kind: Kind {
            switch self {
            case .summary: .summary
            case .arenas: .arenas
            case .bins: .bins
            case .config: .config
            case .run: .run
            case .leaks: .leaks
            case .demo: .demo
            case .diff: .diff
            case .attach: .attach
            case .top: .top
            case .stress: .stress
            }
        }
    }

    /// An allocator at one moment, as `summary` and `run` show it.
    public struct Summary: Sendable {
        /// The process totals.
        public var totals: GlobalStats
        /// Fragmentation ratios derived from the totals.
        public var ratios: Ratios
        /// Every arena in use.
        public var arenas: [ArenaRow]
        /// The size classes of all arenas merged that hold the most bytes,
        /// most first (at most ``Report/summaryBinCount``).
        public var bins: [BinRow]

        /// A summary of the given figures.
        public init(totals: GlobalStats, ratios: Ratios, arenas: [ArenaRow], bins: [BinRow]) {
            self.totals = totals
            self.ratios = ratios
            self.arenas = arenas
            self.bins = bins
        }
    }

    /// What `memstat diff` compared.
    public enum Comparison: Sendable {
        /// Two heap snapshots (the document's `heapDiff`).
        case heapSnapshots(SnapshotComparison)
        /// Two allocator reports (the document's `allocatorDiff`).
        case allocatorReports(AllocatorComparison)
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

        /// Which process the figures come from.
        public var process: Process
        /// The process described (memstat's own for ``Process/files``).
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

        /// The process `pid`, and for `run` the program's command, status and run time.
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
        /// jemalloc's version string.
        public var version: String
        /// The page size in bytes.
        public var page: Int
        /// The quantum in bytes.
        public var quantum: Int

        /// An allocator of the given version and geometry.
        public init(version: String, page: Int, quantum: Int) {
            self.version = version
            self.page = page
            self.quantum = quantum
        }

        /// The allocator `snapshot` was taken of.
        public init(_ snapshot: AllocatorSnapshot) {
            self.init(version: snapshot.version, page: snapshot.page, quantum: snapshot.quantum)
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

        /// The ratios of `totals`.
        public init(_ totals: GlobalStats) {
            activeToAllocated = totals.activeToAllocated
            residentToActive = totals.residentToActive
            metadataShare = totals.metadataShare
        }
    }

    /// One point of `memstat run --interval`.
    public struct SeriesPoint: Codable, Sendable {
        /// Seconds since the program started.
        public var elapsedSeconds: Double
        /// `stats.allocated` at that moment.
        public var allocated: Int
        /// `stats.active` at that moment.
        public var active: Int
        /// `stats.resident` at that moment.
        public var resident: Int

        /// A point of the given figures.
        public init(elapsedSeconds: Double, allocated: Int, active: Int, resident: Int) {
            self.elapsedSeconds = elapsedSeconds
            self.allocated = allocated
            self.active = active
            self.resident = resident
        }
    }
}
