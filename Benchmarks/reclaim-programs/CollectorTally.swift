import BenchmarkSupport
import Reclaim

extension ProgramFigures {
    /// The figures of a program that started at `started` (``nowNanoseconds()``)
    /// and ends now, with the collections `tally` counted (none for Swift ARC).
    init(_ program: Program, _ implementation: Implementation, started: UInt64, tally: CollectorTally?, checksum: Int) {
        self.init(program: program.rawValue, implementation: implementation.rawValue,
                  seconds: Double(nowNanoseconds() - started) / 1e9, peakResidentMiB: BenchmarkSupport.peakResidentMiB() ?? -1,
                  dataPeakMiB: tally.map { Double($0.heap.tracedMemory.peak) / 1_048_576 },
                  collections: tally?.collections ?? 0, collectorSeconds: tally?.seconds ?? 0,
                  secondsByGeneration: tally?.secondsByGeneration ?? [0, 0, 0], checksum: checksum)
    }
}

/// Collections a heap ran and the time they took, by generation, from a
/// collection callback; and the heap, for its traced peak.
final class CollectorTally {
    unowned let heap: Heap
    var collections = 0
    var seconds = 0.0
    var secondsByGeneration = [0.0, 0.0, 0.0]

    init(_ heap: Heap) {
        self.heap = heap
        heap.collector.callbacks.append { [unowned self] phase, info in
            guard phase == .stop else { return }
            collections += 1
            seconds += info.duration
            secondsByGeneration[info.generation] += info.duration
        }
    }
}
