import CReclaimPublishing
import Foundation

/// The heap figures another process publishes (see ``StatisticsPublisher``),
/// read from outside it: what `memstat attach` and `memstat top` show.
public struct PublishedStatistics: Codable, Equatable, Sendable {
    /// One heap of the publishing process.
    public struct HeapFigures: Codable, Equatable, Sendable {
        public var heapID: Int
        public var arena: Int
        /// Tracked containers in generations 0, 1, 2 and the permanent one,
        /// as of the heap's last collection.
        public var trackedObjects: [Int]
        public var liveObjects: Int
        public var liveBytes: Int
        public var peakBytes: Int
        /// Per generation, since the heap was made.
        public var collections: [Int]
        public var collected: [Int]
        public var uncollectable: [Int]
        /// The duration of the last collection and of all of them, in seconds.
        public var lastPauseSeconds: Double
        public var totalPauseSeconds: Double
        /// The generation of the last collection, `nil` before the first.
        public var lastGeneration: Int?
        /// When the heap last wrote its figures (seconds since 1970).
        public var updatedAt: Double
        /// The arena as the publisher's timer last read it; `nil` until then.
        public var arenaAllocated: Int?
        public var arenaActive: Int?
        public var arenaResident: Int?
        public var arenaMapped: Int?
    }

    public var pid: Int32
    /// The publisher's timer period.
    public var intervalSeconds: Double
    /// When publishing started, and the timer's last tick (seconds since 1970).
    public var startedAt: Double
    public var heartbeatAt: Double
    /// Seconds since the last heartbeat, when read.
    public var ageSeconds: Double
    /// The publisher's jemalloc version and page size.
    public var allocatorVersion: String
    public var page: Int
    /// Heaps alive but not shown: every slot was taken.
    public var heapsUnpublished: Int
    public var heaps: [HeapFigures]

    /// A segment is stale when its heartbeat is older than this many
    /// intervals (plus two seconds of grace for a busy machine).
    public static let staleIntervals = 3.0

    /// Reads process `pid`'s published figures.
    ///
    /// - Throws: ``PublishedStatisticsError`` when the process does not exist,
    ///   does not publish, or its segment is stale or of another version.
    public static func read(pid: Int32) throws(PublishedStatisticsError) -> PublishedStatistics {
        let alive = kill(pid, 0) == 0 || errno == EPERM
        guard let segment = reclaim_published_open(pid) else {
            let code = errno
            guard alive else { throw .noSuchProcess(pid: pid) }
            switch code {
            case ENOENT: throw .notPublishing(pid: pid)
            case EPROTO: throw .incompatible(pid: pid)
            default: throw .unreadable(pid: pid, errno: code)
            }
        }
        defer { reclaim_published_close(segment) }
        let now = Double(reclaim_published_now_ns()) / 1e9
        let statistics = PublishedStatistics(segment: segment, now: now)
        guard alive else { throw .exited(pid: pid) }
        let limit = staleIntervals * statistics.intervalSeconds + 2
        guard statistics.ageSeconds <= limit else {
            throw .stale(pid: pid, ageSeconds: statistics.ageSeconds)
        }
        return statistics
    }

    init(segment: UnsafePointer<reclaim_published_segment>, now: Double) {
        // Header words by address, read atomically (the segment is mapped
        // read-only and written by the other process meanwhile).
        func load(_ field: KeyPath<reclaim_published_segment, UInt64>) -> UInt64 {
            reclaim_published_load(StatisticsPublisher.headerWord(UnsafeMutablePointer(mutating: segment), field))
        }
        pid = Int32(truncatingIfNeeded: load(\.pid))
        intervalSeconds = Double(load(\.interval_ms)) / 1000
        startedAt = Double(load(\.started_ns)) / 1e9
        heartbeatAt = Double(load(\.heartbeat_ns)) / 1e9
        ageSeconds = max(0, now - heartbeatAt)
        page = Int(load(\.page))
        heapsUnpublished = Int(load(\.heaps_unpublished))
        allocatorVersion = withUnsafeBytes(of: segment.pointee.allocator_version) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        var heaps: [HeapFigures] = []
        StatisticsPublisher.withSlots(UnsafeMutablePointer(mutating: segment)) { slot in
            var collector = reclaim_collector_figures(), arena = reclaim_arena_figures()
            guard reclaim_published_read(slot, &collector, &arena) == 1, collector.updated_ns != 0 else { return }
            heaps.append(HeapFigures(collector: collector, arena: arena))
        }
        self.heaps = heaps.sorted { $0.heapID < $1.heapID }
    }
}

extension PublishedStatistics.HeapFigures {
    init(collector: reclaim_collector_figures, arena: reclaim_arena_figures) {
        func ints(_ tuple: (UInt64, UInt64, UInt64)) -> [Int] { [Int(tuple.0), Int(tuple.1), Int(tuple.2)] }
        heapID = Int(collector.heap_id)
        self.arena = Int(collector.arena)
        trackedObjects = [Int(collector.tracked.0), Int(collector.tracked.1), Int(collector.tracked.2),
                          Int(collector.tracked.3)]
        liveObjects = Int(collector.live_objects)
        liveBytes = Int(collector.live_bytes)
        peakBytes = Int(collector.peak_bytes)
        collections = ints(collector.collections)
        collected = ints(collector.collected)
        uncollectable = ints(collector.uncollectable)
        lastPauseSeconds = Double(collector.last_pause_ns) / 1e9
        totalPauseSeconds = Double(collector.total_pause_ns) / 1e9
        lastGeneration = collector.last_generation < 0 ? nil : Int(collector.last_generation)
        updatedAt = Double(collector.updated_ns) / 1e9
        let read = arena.updated_ns != 0
        arenaAllocated = read ? Int(arena.allocated) : nil
        arenaActive = read ? Int(arena.active) : nil
        arenaResident = read ? Int(arena.resident) : nil
        arenaMapped = read ? Int(arena.mapped) : nil
    }
}

/// Why another process's published figures cannot be shown.
public enum PublishedStatisticsError: Error, Equatable, CustomStringConvertible {
    case noSuchProcess(pid: Int32)
    case notPublishing(pid: Int32)
    case exited(pid: Int32)
    case stale(pid: Int32, ageSeconds: Double)
    case incompatible(pid: Int32)
    case unreadable(pid: Int32, errno: Int32)

    public var description: String {
        switch self {
        case .noSuchProcess(let pid):
            return "no process \(pid)"
        case .notPublishing(let pid):
            return "process \(pid) does not publish Reclaim statistics (no /dev/shm/reclaim.\(pid)); "
                + "start it with RECLAIM_PUBLISH=1 or call StatisticsPublisher.start()"
        case .exited(let pid):
            return "process \(pid) has exited; /dev/shm/reclaim.\(pid) is a stale segment it left behind"
        case .stale(let pid, let age):
            return "the statistics of process \(pid) are stale: last updated \(Int(age.rounded())) s ago "
                + "(its publisher thread is not running)"
        case .incompatible(let pid):
            return "/dev/shm/reclaim.\(pid) is not a Reclaim statistics segment of version 1"
        case .unreadable(let pid, let code):
            return "cannot read /dev/shm/reclaim.\(pid): \(String(cString: strerror(code)))"
        }
    }
}
