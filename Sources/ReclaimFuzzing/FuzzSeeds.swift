import Foundation
import Jemalloc
import MemstatKit
import Reclaim
import ReclaimJSON

extension FuzzTarget {
    /// Inputs to start fuzzing from, by file name: for the heap fuzzer,
    /// pseudo-random choices under each combination of finalizers and
    /// incremental steps; for the diff fuzzer, a real heap snapshot and a
    /// real allocator report, alone and in pairs; for the segment fuzzer,
    /// this process's live statistics segment after a collection
    /// (``StatisticsPublisher`` is started for it). `reclaim-stress
    /// fuzz-seeds DIR` writes them to `DIR/<target>/`.
    public func seeds() throws -> [String: [UInt8]] {
        switch self {
        case .heap:
            var seeds: [String: [UInt8]] = [:]
            var state: UInt64 = 0xF0CC_ED5E_ED
            for flags in 0..<4 {
                var bytes = [UInt8(flags)]
                for _ in 0..<1_024 {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    bytes.append(UInt8(truncatingIfNeeded: state >> 56))
                }
                seeds["choices-\(flags)"] = bytes
            }
            return seeds
        case .diff:
            let heap = try Heap()
            let keep = try heap.list()
            for index in 0..<8 { try keep.append(heap.str("kept \(index)")) }
            let before = [UInt8](try heap.introspection.snapshot(label: "before").encoded())
            for _ in 0..<8 { try keep.append(heap.list()) }
            let after = [UInt8](try heap.introspection.snapshot(label: "after").encoded())
            let report = [UInt8](try JSONEncoder().encode(Report.summary(try AllocatorSnapshot.current(),
                                                                          source: .currentProcess())))
            return ["snapshot": before, "snapshots": before + [0] + after, "report": report, "reports": report + [0] + report]
        case .segment:
            try StatisticsPublisher.start()
            let heap = try Heap()
            let keep = try heap.list()
            for _ in 0..<16 { try keep.append(heap.list()) }
            heap.collector.collect()
            let path = PublishedStatistics.segmentPath(pid: getpid())
            return ["live": [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))]
        }
    }
}
