import CJemalloc
import Jemalloc
import ReclaimJSON

/// Suite `stats`: one statistic read by cached MIB against by name (and the
/// raw `mallctlbymib` call under both), and one full snapshot (epoch and every
/// read) against capturing and decoding jemalloc's JSON report.
enum StatsSuite {
    static func cases(n: Int) -> [BenchmarkCase] {
        let control = MallctlControl<Int>("stats.allocated")
        let mib = try! control.mib()
        let byName = Contender(implementation: "by-name") { n in
            var sum = 0
            for _ in 0..<n { sum &+= try! Mallctl.read("stats.allocated", as: Int.self) }
            return sum
        }
        let byMIB = Contender(implementation: "cached-mib") { n in
            var sum = 0
            for _ in 0..<n { sum &+= try! control.read() }
            return sum
        }
        let raw = Contender(implementation: "raw-mallctlbymib") { n in
            var sum = 0
            mib.withUnsafeBufferPointer { path in
                for _ in 0..<n {
                    var value = 0, length = MemoryLayout<Int>.size
                    mallctlbymib(path.baseAddress, path.count, &value, &length, nil, 0)
                    sum &+= value
                }
            }
            return sum
        }
        let direct = Contender(implementation: "direct-reads") { n in
            var sum = 0
            for _ in 0..<n { sum &+= try! AllocatorSnapshot.current().totals.allocated }
            return sum
        }
        let dump = Contender(implementation: "json-dump") { n in
            var sum = 0
            for _ in 0..<n { sum &+= try! AllocatorSnapshot(document: StatsDump.capture()).totals.allocated }
            return sum
        }
        return [
            BenchmarkCase(suite: "stats", name: "read-one-stat", contenders: [byName, byMIB, raw], n: n),
            BenchmarkCase(suite: "stats", name: "full-summary", contenders: [dump, direct], n: max(1, n / 2000)),
        ]
    }
}
