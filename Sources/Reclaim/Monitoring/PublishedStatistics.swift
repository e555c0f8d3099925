// Unsafe code here: another process's shared segment, mapped read-only.
// Invariants: the mapping is at least a segment's size (checked against the
// file's size before use) and every field read is validated before it is
// trusted; the segment is unmapped before `read` returns.

import CReclaimPublishing

#if canImport(Glibc)
import Glibc
#endif

/// The heap figures another process publishes (see ``StatisticsPublisher``),
/// read from outside it: what `memstat attach` and `memstat top` show.
public struct PublishedStatistics: Codable, Equatable, Sendable {
    /// One heap of the publishing process.
    public struct HeapFigures: Codable, Equatable, Sendable {
        /// The heap's identifier in the publishing process (reused once a heap is destroyed).
        public var heapID: Int
        /// The index of the heap's jemalloc arena.
        public var arena: Int
        /// Tracked containers in generations 0, 1, 2 and the permanent one,
        /// as of the heap's last collection.
        public var trackedObjects: [Int]
        /// Live objects, immortal ones included.
        public var liveObjects: Int
        /// Bytes of live blocks (the heap's traced memory).
        public var liveBytes: Int
        /// The most live bytes so far (the traced memory's peak).
        public var peakBytes: Int
        /// Per generation, since the heap was made.
        public var collections: [Int]
        /// Unreachable objects collected, per generation.
        public var collected: [Int]
        /// Uncollectable objects found, per generation.
        public var uncollectable: [Int]
        /// The duration of the last collection and of all of them, in seconds.
        public var lastPauseSeconds: Double
        /// The duration of all collections together, in seconds.
        public var totalPauseSeconds: Double
        /// The generation of the last collection, `nil` before the first.
        public var lastGeneration: Int?
        /// When the heap last wrote its figures (seconds since 1970).
        public var updatedAt: Double
        /// How the heap's collector collects its old generation.
        public var mode: CollectionMode
        /// Increments of incremental collection so far.
        public var increments: Int
        /// Passes over the old generation completed.
        public var passes: Int
        /// Old objects the current pass has visited (of `trackedObjects[2]`).
        public var passVisited: Int
        /// The longest young collection with its increment, in seconds.
        public var longestPauseSeconds: Double
        /// The arena as the publisher's timer last read it; `nil` until then.
        public var arenaAllocated: Int?
        /// Bytes of the arena's active pages (`stats.arenas.<i>.pactive` × page); `nil` until read.
        public var arenaActive: Int?
        /// Bytes of the arena's resident pages (`stats.arenas.<i>.resident`); `nil` until read.
        public var arenaResident: Int?
        /// Bytes the arena has mapped (`stats.arenas.<i>.mapped`); `nil` until read.
        public var arenaMapped: Int?

        enum CodingKeys: String, CodingKey {
            case heapID, arena, trackedObjects, liveObjects, liveBytes, peakBytes, collections, collected, uncollectable
            case lastPauseSeconds, totalPauseSeconds, lastGeneration, updatedAt
            case mode, increments, passes, passVisited, longestPauseSeconds
            case arenaAllocated, arenaActive, arenaResident, arenaMapped
        }

        /// Reads a heap's figures as `memstat attach --json` writes them;
        /// documents written before incremental collection have none of its
        /// figures: generational, no increments.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            heapID = try container.decode(Int.self, forKey: .heapID)
            arena = try container.decode(Int.self, forKey: .arena)
            trackedObjects = try container.decode([Int].self, forKey: .trackedObjects)
            liveObjects = try container.decode(Int.self, forKey: .liveObjects)
            liveBytes = try container.decode(Int.self, forKey: .liveBytes)
            peakBytes = try container.decode(Int.self, forKey: .peakBytes)
            collections = try container.decode([Int].self, forKey: .collections)
            collected = try container.decode([Int].self, forKey: .collected)
            uncollectable = try container.decode([Int].self, forKey: .uncollectable)
            lastPauseSeconds = try container.decode(Double.self, forKey: .lastPauseSeconds)
            totalPauseSeconds = try container.decode(Double.self, forKey: .totalPauseSeconds)
            lastGeneration = try container.decodeIfPresent(Int.self, forKey: .lastGeneration)
            updatedAt = try container.decode(Double.self, forKey: .updatedAt)
            mode = try container.decodeIfPresent(CollectionMode.self, forKey: .mode) ?? .generational
            increments = try container.decodeIfPresent(Int.self, forKey: .increments) ?? 0
            passes = try container.decodeIfPresent(Int.self, forKey: .passes) ?? 0
            passVisited = try container.decodeIfPresent(Int.self, forKey: .passVisited) ?? 0
            longestPauseSeconds = try container.decodeIfPresent(Double.self, forKey: .longestPauseSeconds) ?? 0
            arenaAllocated = try container.decodeIfPresent(Int.self, forKey: .arenaAllocated)
            arenaActive = try container.decodeIfPresent(Int.self, forKey: .arenaActive)
            arenaResident = try container.decodeIfPresent(Int.self, forKey: .arenaResident)
            arenaMapped = try container.decodeIfPresent(Int.self, forKey: .arenaMapped)
        }
    }

    /// The publishing process's identifier.
    public var pid: Int32
    /// The publisher's timer period.
    public var intervalSeconds: Double
    /// When publishing started, and the timer's last tick (seconds since 1970).
    public var startedAt: Double
    /// The timer's last tick, in seconds since 1970.
    public var heartbeatAt: Double
    /// Seconds since the last heartbeat, when read.
    public var ageSeconds: Double
    /// The publisher's jemalloc version and page size.
    public var allocatorVersion: String
    /// The publisher's page size, in bytes (`arenas.page`).
    public var page: Int
    /// Heaps alive but not shown: every slot was taken.
    public var heapsUnpublished: Int
    /// The published heaps, by ``HeapFigures/heapID``.
    public var heaps: [HeapFigures]

    /// The file of process `pid`'s segment: `/dev/shm/reclaim.<pid>`.
    public static func segmentPath(pid: Int32) -> String { "/dev/shm/reclaim.\(pid)" }

    /// A segment is stale when its heartbeat is older than this many
    /// intervals (plus two seconds of grace for a busy machine).
    public static let staleIntervals = 3.0

    /// Reads process `pid`'s published figures.
    ///
    /// - Throws: ``PublishedStatisticsError`` when the process does not exist,
    ///   does not publish, or its segment is stale, of another version, or
    ///   holds a field no publisher writes (every field is checked).
    public static func read(pid: Int32) throws(PublishedStatisticsError) -> PublishedStatistics {
        let alive = kill(pid, 0) == 0 || errno == EPERM
        let path = segmentPath(pid: pid)
        guard let segment = reclaim_published_open(pid) else {
            let code = errno
            guard alive else { throw .noSuchProcess(pid: pid) }
            switch code {
            case ENOENT: throw .notPublishing(pid: pid)
            case EPROTO: throw .incompatible(segment: path)
            default: throw .unreadable(segment: path, errno: code)
            }
        }
        defer { reclaim_published_close(segment) }
        let now = Double(reclaim_published_now_ns()) / 1e9
        let statistics = try PublishedStatistics(segment: segment, check: SegmentFieldCheck(segment: path, pid: pid),
                                                 now: now)
        guard alive else { throw .exited(pid: pid) }
        let limit = staleIntervals * statistics.intervalSeconds + 2
        guard statistics.ageSeconds <= limit else {
            throw .stale(pid: pid, ageSeconds: statistics.ageSeconds)
        }
        return statistics
    }

    /// Reads a segment saved in a file — a copy of a process's
    /// `/dev/shm/reclaim.<pid>`, kept after it exited — with the same checks
    /// of every field as ``read(pid:)``, but none of the process's liveness
    /// or the figures' age: ``ageSeconds`` says how old they are.
    ///
    /// - Throws: ``PublishedStatisticsError`` when the file cannot be read,
    ///   is shorter than a segment, of another version, or holds a field no
    ///   publisher writes.
    public static func read(segmentFile path: String) throws(PublishedStatisticsError) -> PublishedStatistics {
        guard let segment = reclaim_published_open_file(path) else {
            let code = errno
            throw code == EPROTO ? .incompatible(segment: path) : .unreadable(segment: path, errno: code)
        }
        defer { reclaim_published_close(segment) }
        let now = Double(reclaim_published_now_ns()) / 1e9
        return try PublishedStatistics(segment: segment, check: SegmentFieldCheck(segment: path, pid: nil), now: now)
    }

    /// Decodes a segment, checking every field against what a publisher
    /// can write (`check` names the segment and the pid it must hold): the
    /// segment is another process's memory, and a damaged or forged one
    /// must give an error, not a trap or nonsense figures.
    init(segment: UnsafePointer<reclaim_published_segment>, check: SegmentFieldCheck, now: Double)
        throws(PublishedStatisticsError) {
        // Header words by address, read atomically (the segment is mapped
        // read-only and written by the other process meanwhile).
        func load(_ field: KeyPath<reclaim_published_segment, UInt64>) -> UInt64 {
            reclaim_published_load(StatisticsPublisher.headerWord(UnsafeMutablePointer(mutating: segment), field))
        }
        let pids = check.pid.map { Int($0)...Int($0) } ?? 1...Int(Int32.max)
        pid = Int32(try check.int(load(\.pid), "pid", in: pids))
        intervalSeconds = Double(try check.int(load(\.interval_ms), "interval_ms", in: 1...SegmentFieldCheck.day / 1_000_000))
            / 1000
        startedAt = try check.seconds(load(\.started_ns), "started_ns", notAfter: now)
        heartbeatAt = try check.seconds(load(\.heartbeat_ns), "heartbeat_ns", notAfter: now)
        ageSeconds = max(0, now - heartbeatAt)
        page = try check.int(load(\.page), "page", in: 512...(1 << 30))
        guard page & (page - 1) == 0 else { throw check.corrupted("page", UInt64(page), "is not a power of two") }
        heapsUnpublished = try check.int(load(\.heaps_unpublished), "heaps_unpublished", in: 0...Int(UInt16.max))
        allocatorVersion = try withUnsafeBytes(of: segment.pointee.allocator_version) { bytes throws(PublishedStatisticsError) in
            guard let end = bytes.firstIndex(of: 0), bytes[..<end].allSatisfy({ (0x20..<0x7F).contains($0) }) else {
                throw check.corrupted("allocator_version", 0, "is not a terminated line of printable ASCII")
            }
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
        var heaps: [HeapFigures] = []
        var failure: PublishedStatisticsError?
        StatisticsPublisher.withSlots(UnsafeMutablePointer(mutating: segment)) { slot in
            guard failure == nil else { return }
            var collector = reclaim_collector_figures(), arena = reclaim_arena_figures()
            guard reclaim_published_read(slot, &collector, &arena) == 1, collector.updated_ns != 0 else { return }
            do throws(PublishedStatisticsError) {
                heaps.append(try HeapFigures(collector: collector, arena: arena, check: check, now: now))
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        // One slot per heap, but a reader can meet a heap id twice: a heap
        // destroyed and a new one given its id while the slots are read
        // (or a damaged segment). The figures updated last are the heap's.
        var latest: [Int: HeapFigures] = [:]
        for figures in heaps where figures.updatedAt >= latest[figures.heapID]?.updatedAt ?? -1 {
            latest[figures.heapID] = figures
        }
        self.heaps = latest.values.sorted { $0.heapID < $1.heapID }
    }
}

extension PublishedStatistics.HeapFigures {
    init(collector: reclaim_collector_figures, arena: reclaim_arena_figures, check: SegmentFieldCheck, now: Double)
        throws(PublishedStatisticsError) {
        func ints(_ tuple: (UInt64, UInt64, UInt64), _ field: String) throws(PublishedStatisticsError) -> [Int] {
            [try check.int(tuple.0, field), try check.int(tuple.1, field), try check.int(tuple.2, field)]
        }
        heapID = try check.int(collector.heap_id, "heap_id", in: 0...Int(UInt16.max))
        self.arena = try check.int(collector.arena, "arena", in: 0...Int(UInt32.max))
        trackedObjects = try ints((collector.tracked.0, collector.tracked.1, collector.tracked.2), "tracked")
            + [try check.int(collector.tracked.3, "tracked")]
        liveObjects = try check.int(collector.live_objects, "live_objects")
        liveBytes = try check.int(collector.live_bytes, "live_bytes")
        peakBytes = try check.int(collector.peak_bytes, "peak_bytes")
        collections = try ints(collector.collections, "collections")
        collected = try ints(collector.collected, "collected")
        uncollectable = try ints(collector.uncollectable, "uncollectable")
        let lastPause = try check.int(collector.last_pause_ns, "last_pause_ns")
        let totalPause = try check.int(collector.total_pause_ns, "total_pause_ns", in: lastPause...Int.max)
        lastPauseSeconds = Double(lastPause) / 1e9
        totalPauseSeconds = Double(totalPause) / 1e9
        guard (-1...2).contains(collector.last_generation) else {
            throw check.corrupted("last_generation", UInt64(bitPattern: collector.last_generation), "is not -1, 0, 1 or 2")
        }
        lastGeneration = collector.last_generation < 0 ? nil : Int(collector.last_generation)
        updatedAt = try check.seconds(collector.updated_ns, "updated_ns", notAfter: now)
        switch collector.mode {
        case 0: mode = .generational
        case 1: mode = .incremental
        default: throw check.corrupted("mode", collector.mode, "is not 0 (generational) or 1 (incremental)")
        }
        increments = try check.int(collector.increments, "increments")
        passes = try check.int(collector.passes, "passes", in: 0...increments)
        passVisited = try check.int(collector.pass_visited, "pass_visited")
        longestPauseSeconds = Double(try check.int(collector.longest_pause_ns, "longest_pause_ns")) / 1e9
        let read = arena.updated_ns != 0
        if read { _ = try check.seconds(arena.updated_ns, "arena updated_ns", notAfter: now) }
        arenaAllocated = read ? try check.int(arena.allocated, "arena allocated") : nil
        arenaActive = read ? try check.int(arena.active, "arena active") : nil
        arenaResident = read ? try check.int(arena.resident, "arena resident") : nil
        arenaMapped = read ? try check.int(arena.mapped, "arena mapped") : nil
    }
}

/// Checks the fields read from a published segment, naming the first bad one.
struct SegmentFieldCheck {
    /// The segment's file, for messages.
    let segment: String
    /// The pid the segment must hold, or nil for any.
    let pid: Int32?
    /// Nanoseconds in a day: how far a publisher's clock may run ahead of the reader's.
    static let day = 86_400 * 1_000_000_000

    func corrupted(_ field: String, _ value: UInt64, _ why: String) -> PublishedStatisticsError {
        .corrupted(segment: segment, field: field, value: value, reason: why)
    }

    /// `value` as an `Int` in `range`.
    func int(_ value: UInt64, _ field: String, in range: ClosedRange<Int> = 0...Int.max) throws(PublishedStatisticsError) -> Int {
        guard let number = Int(exactly: value), range.contains(number) else {
            throw corrupted(field, value, "is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    /// A CLOCK_REALTIME time in nanoseconds, as seconds: at most a day after `now`.
    func seconds(_ value: UInt64, _ field: String, notAfter now: Double) throws(PublishedStatisticsError) -> Double {
        let limit = Int(min(Double(Int.max - SegmentFieldCheck.day), now * 1e9)) + SegmentFieldCheck.day
        return Double(try int(value, field, in: 0...limit)) / 1e9
    }
}

/// Why another process's published figures cannot be shown.
public enum PublishedStatisticsError: Error, Equatable, CustomStringConvertible {
    case noSuchProcess(pid: Int32)
    case notPublishing(pid: Int32)
    case exited(pid: Int32)
    case stale(pid: Int32, ageSeconds: Double)
    case incompatible(segment: String)
    case unreadable(segment: String, errno: Int32)
    /// A field holds a value no publisher writes: the segment is damaged or forged.
    case corrupted(segment: String, field: String, value: UInt64, reason: String)

    /// A sentence naming the process and why its figures cannot be shown, with a hint where one helps.
    public var description: String {
        func path(_ pid: Int32) -> String { PublishedStatistics.segmentPath(pid: pid) }
        switch self {
        case .noSuchProcess(let pid):
            return "no process \(pid)"
        case .notPublishing(let pid):
            return "process \(pid) does not publish Reclaim statistics (no \(path(pid))); "
                + "start it with RECLAIM_PUBLISH=1 or call StatisticsPublisher.start()"
        case .exited(let pid):
            return "process \(pid) has exited; \(path(pid)) is a stale segment it left behind"
        case .stale(let pid, let age):
            return "the statistics of process \(pid) are stale: last updated \(Int(age.rounded())) s ago "
                + "(its publisher thread is not running)"
        case .incompatible(let segment):
            return "\(segment) is not a whole Reclaim statistics segment of version 2"
        case .unreadable(let segment, let code):
            return "cannot read \(segment): \(String(cString: strerror(code)))"
        case .corrupted(let segment, let field, let value, let reason):
            return "\(segment) is corrupted: its field \(field) (\(value)) \(reason)"
        }
    }
}
