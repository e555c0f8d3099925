import Foundation
import Jemalloc
import Reclaim
import Synchronization

/// `memstat stress`: a configurable object workload on N heaps in N
/// threads, measured, and checked for leaks at the end.
public enum Stress {
    /// What to run.
    public struct Configuration: Codable, Sendable {
        /// Heaps, each on a thread of its own.
        public var heaps = 2
        /// Slots of each heap's live set (a list the workload keeps).
        public var liveObjects = 20_000
        /// Share of operations that make a small cycle and drop it at once.
        public var cyclicShare = 0.2
        /// Share of new objects whose class has a finalizer.
        public var finalizerShare = 0.1
        /// Share of operations that make a weak reference (with a callback)
        /// to a live object.
        public var weakReferenceShare = 0.05
        /// Operations per heap; `nil` when `durationSeconds` bounds the run.
        public var operations: Int? = 200_000
        /// Seconds to run; `nil` when `operations` bounds the run.
        public var durationSeconds: Double?
        /// Seed of the random workload; each heap derives its own from it, so runs repeat.
        public var seed: UInt64 = 1
        /// Objects each heap keeps on purpose at the end (to show that the
        /// leak check fails): 0 in real runs.
        public var deliberateLeaks = 0

        /// The defaults: 2 heaps of 20,000 live objects, 200,000 operations each.
        public init() {}

        /// The heap counts a run may have.
        public static let heapRange = 1...64
        /// The live-set sizes a run may have.
        public static let liveObjectRange = 1...10_000_000

        /// Why the configuration cannot run, or `nil`.
        public var problem: ConfigurationError? {
            if !Self.heapRange.contains(heaps) { return .heaps(heaps) }
            if !Self.liveObjectRange.contains(liveObjects) { return .liveObjects(liveObjects) }
            for (share, value) in [(Share.cyclic, cyclicShare), (.finalizers, finalizerShare), (.weakReferences, weakReferenceShare)]
            where !(0...1).contains(value) {
                return .share(share, value)
            }
            if cyclicShare + weakReferenceShare > 1 { return .cyclicAndWeakReferenceSharesExceedOne }
            if let operations, operations <= 0 { return .operations(operations) }
            if let durationSeconds, !(durationSeconds > 0) { return .duration(durationSeconds) }
            if operations == nil && durationSeconds == nil { return .unbounded }
            return nil
        }
    }

    /// A share of the workload's operations or objects.
    public enum Share: String, Sendable {
        case cyclic, finalizers, weakReferences
    }

    /// Why a ``Configuration`` cannot run, in the library's terms (the CLI
    /// words it after its own flags).
    public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The heap count is outside ``Configuration/heapRange``.
        case heaps(Int)
        /// The live-set size is outside ``Configuration/liveObjectRange``.
        case liveObjects(Int)
        /// A share is outside 0…1.
        case share(Share, Double)
        /// The cyclic and weak-reference shares add up to more than 1.
        case cyclicAndWeakReferenceSharesExceedOne
        /// The operation count is not positive.
        case operations(Int)
        /// The duration is not a positive number of seconds.
        case duration(Double)
        /// Neither an operation count nor a duration bounds the run.
        case unbounded

        /// A sentence naming the bad setting and the value given, such as `heaps must be 1…64, got 0`.
        public var description: String {
            switch self {
            case .heaps(let count): return "heaps must be 1…64, got \(count)"
            case .liveObjects(let count): return "live objects must be 1…10,000,000, got \(count)"
            case .share(let share, let value): return "the \(share.rawValue) share must be between 0 and 1, got \(value)"
            case .cyclicAndWeakReferenceSharesExceedOne: return "the cyclic and weak-reference shares add up to more than 1"
            case .operations(let count): return "the operation count must be positive, got \(count)"
            case .duration(let seconds): return "the duration must be positive seconds, got \(seconds)"
            case .unbounded: return "neither an operation count nor a duration bounds the run"
            }
        }
    }

    /// One heap's run.
    public struct HeapResult: Codable, Sendable {
        /// The heap's number in the run, from 0.
        public var heap: Int
        /// The index of the heap's jemalloc arena.
        public var arena: Int
        /// Operations the heap ran.
        public var operations: Int
        /// Operations per second of the heap's wall-clock run time.
        public var operationsPerSecond: Double
        /// Collections of generations 0, 1 and 2.
        public var collections: [Int]
        /// Objects the collector freed, all generations (`gc.get_stats()`'s `collected`).
        public var collected: Int
        /// Unreachable objects the collector could not free, all generations.
        public var uncollectable: Int
        /// Finalizer calls on objects of the finalizing class.
        public var finalizersRun: Int
        /// Weak-reference callbacks that ran.
        public var weakReferenceCallbacks: Int
        /// Collection pauses, in seconds.
        public var pauseP50: Double
        /// The 99th percentile of collection pauses, in seconds.
        public var pauseP99: Double
        /// The longest collection pause, in seconds.
        public var pauseMax: Double
        /// The heap's peak of live bytes.
        public var peakLiveBytes: Int
        /// Arena bytes allocated after setting up, and after everything was
        /// dropped and collected at the end (with caches flushed).
        public var baselineBytes: Int
        /// Arena bytes allocated at the end, after everything was dropped and collected.
        public var finalBytes: Int
        /// Objects still alive at the end beyond the heap's immortal ones.
        public var leakedObjects: Int
        /// Arena bytes at the end beyond the baseline (`finalBytes - baselineBytes`); 0 when nothing leaked.
        public var leakedBytes: Int { finalBytes - baselineBytes }
    }

    /// A whole run.
    public struct Result: Codable, Sendable {
        /// The configuration that ran.
        public var configuration: Configuration
        /// Wall-clock seconds from starting the threads to the end of the last heap.
        public var elapsedSeconds: Double
        /// Each heap's figures, by heap number.
        public var heaps: [HeapResult]

        /// Operations of all heaps per second of the whole run: what the
        /// heaps achieve together (their scaling, against a one-heap run).
        public var totalOperationsPerSecond: Double {
            Double(heaps.reduce(0) { $0 + $1.operations }) / max(elapsedSeconds, 1e-9)
        }
        /// The most resident bytes jemalloc reported during the run.
        public var peakResident: Int
        /// Whether any heap ended with objects or arena bytes it should not have.
        public var leaked: Bool { heaps.contains { $0.leakedObjects != 0 || $0.leakedBytes != 0 } }
    }

    /// Live figures while the run goes on.
    public struct Progress: Sendable {
        /// Seconds since the run started.
        public var elapsedSeconds: Double
        /// Completed share of the run, 0…1.
        public var fraction: Double
        /// Operations completed so far, all heaps (each heap adds them 1024 at a time).
        public var operations: Int
        /// Collections so far, all heaps.
        public var collections: Int
        /// Bytes allocated process-wide (`stats.allocated`); 0 when it could not be read.
        public var allocated: Int
        /// Bytes in resident pages process-wide (`stats.resident`); 0 when it could not be read.
        public var resident: Int
    }

    /// Runs `configuration`, calling `report` about every `reportEvery` seconds.
    public static func run(_ configuration: Configuration, reportEvery: Double = 0.2,
                           report: (Progress) -> Void = { _ in }) throws -> Result {
        let shared = SharedCounters()
        let results = Mutex<[Int: Swift.Result<HeapResult, StressError>]>([:])
        // Each thread signals when it is done, so the run's elapsed time is
        // read when the last one ends, not at the next report.
        let finishedSignal = DispatchSemaphore(value: 0)
        let started = Date()
        let threads = (0..<configuration.heaps).map { index in
            Thread {
                let outcome: Swift.Result<HeapResult, StressError>
                do {
                    outcome = .success(try HeapWorkload(index: index, configuration: configuration, shared: shared).run())
                } catch {
                    outcome = .failure(StressError(heap: index, reason: String(describing: error)))
                }
                results.withLock { $0[index] = outcome }
                shared.finished.add(1, ordering: .releasing)
                finishedSignal.signal()
            }
        }
        threads.forEach { $0.start() }
        var peakResident = 0
        func sample() {
            _ = try? Epoch.advance()
            let totals = try? GlobalStats.read(refresh: false)
            peakResident = max(peakResident, totals?.resident ?? 0)
            let elapsed = Date().timeIntervalSince(started)
            let operations = shared.operations.load(ordering: .relaxed)
            let fraction: Double
            if let total = configuration.operations {
                fraction = Double(operations) / Double(total * configuration.heaps)
            } else {
                fraction = elapsed / (configuration.durationSeconds ?? 1)
            }
            report(Progress(elapsedSeconds: elapsed, fraction: min(1, fraction), operations: operations,
                            collections: shared.collections.load(ordering: .relaxed),
                            allocated: totals?.allocated ?? 0, resident: totals?.resident ?? 0))
        }
        var finished = 0
        while finished < configuration.heaps {
            sample()
            if finishedSignal.wait(timeout: .now() + max(0.01, reportEvery)) == .success { finished += 1 }
        }
        let elapsed = Date().timeIntervalSince(started)
        sample()
        let outcomes = results.withLock { $0 }
        var heaps: [HeapResult] = []
        for index in 0..<configuration.heaps {
            switch outcomes[index] {
            case .success(let result)?: heaps.append(result)
            case .failure(let error)?: throw error
            case nil: throw StressError(heap: index, reason: "its thread ended without a result")
            }
        }
        return Result(configuration: configuration, elapsedSeconds: elapsed, heaps: heaps, peakResident: peakResident)
    }
}
