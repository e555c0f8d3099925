import BenchmarkSupport
import Reclaim

#if canImport(Glibc)
import Glibc
#endif

/// What one run of one program measured, printed as one line of JSON with
/// sorted keys: what `reclaim-bench programs` reads from this child.
struct ProgramFigures {
    var program: String
    var implementation: String
    /// Wall time of the program, start-up excluded.
    var seconds: Double
    /// The process's peak resident memory, MiB (-1 when the system does not say).
    var peakResidentMiB: Double
    /// Collections and the time they took (0 for Swift ARC).
    var collections: Int
    var collectorSeconds: Double
    /// Collector seconds by generation collected (young, middle, old).
    var secondsByGeneration: [Double]
    var checksum: Int

    /// The figures of a program that started at `started` (``nowNanoseconds()``)
    /// and ends now, with the collections `tally` counted (none for Swift ARC).
    init(_ program: Program, _ implementation: Implementation, started: UInt64, tally: CollectorTally?, checksum: Int) {
        self.program = program.rawValue
        self.implementation = implementation.rawValue
        seconds = Double(nowNanoseconds() - started) / 1e9
        peakResidentMiB = BenchmarkSupport.peakResidentMiB() ?? -1
        collections = tally?.collections ?? 0
        collectorSeconds = tally?.seconds ?? 0
        secondsByGeneration = tally?.secondsByGeneration ?? [0, 0, 0]
        self.checksum = checksum
    }

    /// One line of JSON, keys sorted. The strings are the programs' and
    /// implementations' names, which need no escaping; a `Double`'s
    /// description is a JSON number for every finite value.
    var json: String {
        let generations = secondsByGeneration.map { "\($0)" }.joined(separator: ",")
        return "{\"checksum\":\(checksum),\"collections\":\(collections),\"collectorSeconds\":\(collectorSeconds),"
            + "\"implementation\":\"\(implementation)\",\"peakResidentMiB\":\(peakResidentMiB),"
            + "\"program\":\"\(program)\",\"seconds\":\(seconds),\"secondsByGeneration\":[\(generations)]}"
    }
}

/// Collections a heap ran and the time they took, by generation, from a
/// collection callback.
final class CollectorTally {
    var collections = 0
    var seconds = 0.0
    var secondsByGeneration = [0.0, 0.0, 0.0]

    init(_ heap: Heap) {
        heap.collector.callbacks.append { [unowned self] phase, info in
            guard phase == .stop else { return }
            collections += 1
            seconds += info.duration
            secondsByGeneration[info.generation] += info.duration
        }
    }
}
