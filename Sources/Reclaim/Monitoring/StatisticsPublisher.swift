// Unsafe code here: this process's shared segment and its slots.
// Invariants: the segment is mapped once, never unmapped, at a size that
// holds the header and every slot; slot and header words are written only
// through the seqlock functions of CReclaimPublishing.

import CReclaimPublishing
import Jemalloc
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Publishes this process's heap figures in a small shared-memory segment,
/// `/dev/shm/reclaim.<pid>`, for `memstat attach PID` and `memstat top PID`
/// (read them with ``PublishedStatistics/read(pid:)``).
///
/// Opt in with one call, ``start(interval:)``, or by starting the process
/// with `RECLAIM_PUBLISH=1` in its environment (and optionally
/// `RECLAIM_PUBLISH_INTERVAL_MS`, 1000 by default), which the first
/// ``Heap`` created honours.
///
/// Each heap writes its collector figures (objects per generation,
/// collections, collected, uncollectable, pauses, live objects and bytes)
/// into a slot of its own at the end of each collection — stores only, no
/// lock. A timer thread adds each heap's arena figures (allocated, active,
/// resident, mapped) and a heartbeat every interval, so a reader can tell a
/// live segment from a stale one. Up to 64 heaps get a slot; further heaps
/// are counted but not shown. Publishing lasts until the process exits,
/// when the segment is removed.
public enum StatisticsPublisher {
    /// The segment, set once by the first start; the mapping is never
    /// unmapped, so slot pointers held by heaps stay valid.
    /// Held as an address, as an `Atomic` needs a `Sendable` value.
    private static let segmentAddress = Atomic<Int>(0)

    static var segment: UnsafeMutablePointer<reclaim_published_segment>? {
        UnsafeMutablePointer(bitPattern: segmentAddress.load(ordering: .acquiring))
    }
    /// Serialises starting, the timer's reading of arenas, and heaps
    /// leaving their slots (so no arena is read while it is destroyed).
    static let lock = Mutex<Void>(())

    /// Why publishing could not start.
    public struct StartError: Error, CustomStringConvertible {
        /// The `errno` of the failed `shm_open`, `ftruncate` or `mmap`.
        public var errno: Int32
        /// A sentence naming the segment `/dev/shm/reclaim.<pid>` and the system's message for ``errno``.
        public var description: String {
            "cannot create the statistics segment \(PublishedStatistics.segmentPath(pid: getpid())): \(String(cString: strerror(errno)))"
        }
    }

    /// Whether this process publishes its heaps' figures.
    public static var isPublishing: Bool { segment != nil }

    /// Who may read the segment.
    public enum Access: Sendable {
        /// The publishing process's user only (mode 0600): the default, as
        /// the figures describe the process's memory.
        case owner
        /// Every user of the machine (mode 0644), for a monitor running as
        /// another user.
        case everyone

        var mode: UInt32 { self == .owner ? 0o600 : 0o644 }
    }

    /// Starts publishing, with the timer refreshing arena figures every
    /// `interval` (kept within 10 ms and a day), in a segment that `access`
    /// may read. Does nothing when already publishing. A stale segment of
    /// an earlier process with the same pid is replaced.
    ///
    /// - Throws: ``StartError`` when the segment cannot be created.
    public static func start(interval: Duration = .seconds(1), access: Access = .owner) throws(StartError) {
        let milliseconds = StatisticsPublisher.intervalMilliseconds(interval)
        let result: Result<Void, StartError> = lock.withLock { _ in
            guard segment == nil else { return .success(()) }
            let version = (try? BuildConfiguration.version()) ?? "unknown"
            let page = (try? AllocatorInfo.page()) ?? 4096
            guard let created = reclaim_published_create(UInt64(milliseconds), UInt64(page), version, access.mode) else {
                return .failure(StartError(errno: errno))
            }
            let address = Int(bitPattern: created)
            segmentAddress.store(address, ordering: .releasing)
            atexit { reclaim_published_unlink() }
            startTimer(segmentAddress: address, milliseconds: milliseconds)
            return .success(())
        }
        try result.get()
    }

    /// The timer's period in milliseconds: `interval`, kept within 10 ms
    /// and a day (what readers accept).
    static func intervalMilliseconds(_ interval: Duration) -> Int {
        let (seconds, attoseconds) = interval.components
        guard seconds < 86_400 else { return 86_400_000 }
        return min(86_400_000, max(10, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)))
    }

    /// Starts the timer thread, detached, named `reclaim-publish`; it runs
    /// until the process exits. A POSIX thread rather than Foundation's, so
    /// the library does not pull Foundation into the programs that use it.
    private static func startTimer(segmentAddress address: Int, milliseconds: Int) {
        // The thread's two words, handed over through the start argument
        // and freed by the thread once it has read them.
        let context = UnsafeMutablePointer<Int>.allocate(capacity: 2)
        context[0] = address
        context[1] = milliseconds
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            let context = argument!.assumingMemoryBound(to: Int.self)
            let (address, milliseconds) = (context[0], context[1])
            context.deallocate()
            reclaim_published_name_this_thread("reclaim-publish")
            StatisticsPublisher.runTimer(UnsafeMutablePointer(bitPattern: address)!, milliseconds: milliseconds)
        }, context)
        guard status == 0 else {
            context.deallocate()
            var standardError = StandardError()
            print("Reclaim: the statistics timer thread could not start (\(String(cString: strerror(status)))); "
                  + "the segment's arena figures will not be refreshed", to: &standardError)
            return
        }
        pthread_detach(thread)
    }

    /// Starts publishing when the environment asks for it; checked once.
    static func startIfRequested() {
        _ = environmentRequest
    }

    private static let environmentRequest: Void = {
        func variable(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
        guard let flag = variable("RECLAIM_PUBLISH"), !["", "0", "no", "false"].contains(flag.lowercased()) else { return }
        let milliseconds = variable("RECLAIM_PUBLISH_INTERVAL_MS").flatMap(Int.init) ?? 1000
        let everyone = variable("RECLAIM_PUBLISH_ACCESS")?.lowercased() == "everyone"
        do {
            try start(interval: .milliseconds(max(10, milliseconds)), access: everyone ? .everyone : .owner)
        } catch {
            var standardError = StandardError()
            print("Reclaim: RECLAIM_PUBLISH is set but \(error)", to: &standardError)
        }
    }()

    /// Every interval: each heap's arena figures, then the heartbeat.
    private static func runTimer(_ segment: UnsafeMutablePointer<reclaim_published_segment>, milliseconds: Int) -> Never {
        while true {
            lock.withLock { _ in
                _ = try? Epoch.advance()
                withSlots(segment) { slot in
                    var collector = reclaim_collector_figures(), arena = reclaim_arena_figures()
                    guard reclaim_published_read(slot, &collector, &arena) == 1,
                          let stats = try? ArenaStats.read(arena: Int(collector.arena), refresh: false) else { return }
                    var figures = reclaim_arena_figures(
                        allocated: UInt64(stats.allocated), active: UInt64(stats.pactive * Int(segment.pointee.page)),
                        resident: UInt64(stats.resident), mapped: UInt64(stats.mapped),
                        updated_ns: reclaim_published_now_ns())
                    reclaim_published_write_arena(slot, &figures)
                }
                reclaim_published_store(headerWord(segment, \.heartbeat_ns), reclaim_published_now_ns())
            }
            var pause = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
            var left = timespec()
            while nanosleep(&pause, &left) != 0 && errno == EINTR { pause = left }
        }
    }

    /// Calls `body` with each slot of the segment (addressed by offset, so
    /// a read-only mapping is never written through an inout access).
    static func withSlots(_ segment: UnsafeMutablePointer<reclaim_published_segment>,
                          _ body: (UnsafeMutablePointer<reclaim_published_slot>) -> Void) {
        let offset = MemoryLayout<reclaim_published_segment>.offset(of: \.slots)!
        let slots = (UnsafeMutableRawPointer(segment) + offset).assumingMemoryBound(to: reclaim_published_slot.self)
        for index in 0..<Int(RECLAIM_PUBLISHED_SLOTS) { body(slots + index) }
    }

    /// The address of a header word.
    static func headerWord(_ segment: UnsafeMutablePointer<reclaim_published_segment>,
                           _ field: KeyPath<reclaim_published_segment, UInt64>) -> UnsafeMutablePointer<UInt64> {
        (UnsafeMutableRawPointer(segment) + MemoryLayout<reclaim_published_segment>.offset(of: field)!)
            .assumingMemoryBound(to: UInt64.self)
    }
}

/// Where a heap publishes: not yet looked for, its slot, or none left.
enum PublishedSlot {
    case unclaimed
    case slot(UnsafeMutablePointer<reclaim_published_slot>)
    case none
}

extension Heap {
    /// Writes the heap's collector figures to its slot, claiming one the
    /// first time while the process publishes. Called by the heap's thread.
    func publishFigures() {
        guard let segment = StatisticsPublisher.segment else { return }
        if case .unclaimed = core.pointee.publishedSlot {
            core.pointee.publishedSlot = .none
            StatisticsPublisher.withSlots(segment) { slot in
                if case .none = core.pointee.publishedSlot, reclaim_published_claim(slot, UInt64(identity.id)) == 1 {
                    core.pointee.publishedSlot = .slot(slot)
                }
            }
            if case .none = core.pointee.publishedSlot { reclaim_published_increment(StatisticsPublisher.headerWord(segment, \.heaps_unpublished)) }
        }
        guard case .slot(let slot) = core.pointee.publishedSlot else { return }
        let statistics = collectorState.pointee.statistics
        let traced = tracedMemory
        var figures = reclaim_collector_figures()
        figures.heap_id = UInt64(identity.id)
        figures.arena = UInt64(arena.index)
        figures.tracked = (UInt64(collectorState.pointee.generations[0].count), UInt64(collectorState.pointee.generations[1].count),
                           UInt64(collectorState.pointee.generations[2].count), UInt64(collectorState.pointee.generations[3].count))
        figures.live_objects = UInt64(liveObjectCount)
        figures.live_bytes = UInt64(max(0, traced.current))
        figures.peak_bytes = UInt64(max(0, traced.peak))
        figures.collections = (UInt64(statistics[0].collections), UInt64(statistics[1].collections),
                               UInt64(statistics[2].collections))
        figures.collected = (UInt64(statistics[0].collected), UInt64(statistics[1].collected),
                             UInt64(statistics[2].collected))
        figures.uncollectable = (UInt64(statistics[0].uncollectable), UInt64(statistics[1].uncollectable),
                                 UInt64(statistics[2].uncollectable))
        figures.last_pause_ns = collectorState.pointee.pauses.lastNanoseconds
        figures.total_pause_ns = collectorState.pointee.pauses.totalNanoseconds
        figures.last_generation = Int64(collectorState.pointee.pauses.lastGeneration)
        let progress = collector.incrementalProgress
        figures.mode = collectorState.pointee.mode == .incremental ? 1 : 0
        figures.increments = UInt64(progress.increments)
        figures.passes = UInt64(progress.passes)
        figures.pass_visited = UInt64(progress.visited)
        figures.longest_pause_ns = UInt64(max(0, progress.longestPause * 1e9))
        figures.updated_ns = reclaim_published_now_ns()
        reclaim_published_write_collector(slot, &figures)
    }

    /// Gives the heap's slot back (when it is destroyed), under the
    /// publisher's lock so the timer is not reading the arena meanwhile.
    func withdrawPublishedFigures() {
        switch core.pointee.publishedSlot {
        case .slot(let slot):
            StatisticsPublisher.lock.withLock { _ in reclaim_published_release(slot) }
        case .none:
            // It was counted among the heaps alive without a slot.
            if let segment = StatisticsPublisher.segment {
                reclaim_published_decrement(StatisticsPublisher.headerWord(segment, \.heaps_unpublished))
            }
        case .unclaimed:
            return
        }
        core.pointee.publishedSlot = .unclaimed
    }
}
