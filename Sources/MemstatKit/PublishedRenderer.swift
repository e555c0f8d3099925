import Foundation
import Reclaim

extension TextRenderer {
    /// `memstat attach` and `top`: the publisher, then each heap's memory,
    /// generations and collections.
    static func publishedSections(_ published: PublishedStatistics, rates: [String: Double]?) -> [String] {
        let since = max(0, published.heartbeatAt - published.startedAt)
        var about = [
            "  publishing for \(Units.seconds(since)), timer every \(Units.seconds(published.intervalSeconds)), "
                + "last tick \(Units.seconds(published.ageSeconds)) ago",
            "  \(published.heaps.count) heap\(published.heaps.count == 1 ? "" : "s") published",
        ]
        if published.heapsUnpublished > 0 {
            about[1] += ", \(published.heapsUnpublished) more without a slot (64 at most)"
        }
        let header = "Published statistics\n" + about.joined(separator: "\n")
        guard !published.heaps.isEmpty else { return [header + "\n  (no heap alive)"] }

        var memory = TextTable([.init("heap", .left), .init("arena"), .init("objects"), .init("live"), .init("peak"),
                                .init("allocated"), .init("active"), .init("resident")])
        var generations = TextTable([.init("heap", .left), .init("gen 0"), .init("gen 1"), .init("gen 2"),
                                     .init("frozen"), .init("updated")])
        var collector = TextTable([.init("heap", .left), .init("collections"), .init("collected"), .init("uncoll"),
                                   .init("last pause"), .init("total")] + (rates == nil ? [] : [.init("coll/s")]))
        var incremental = TextTable([.init("heap", .left), .init("mode", .left), .init("increments"), .init("passes"),
                                     .init("this pass"), .init("longest pause")])
        let optionalBytes: (Int?) -> String = { $0.map(Units.bytes) ?? "-" }
        for heap in published.heaps {
            let name = String(heap.heapID)
            memory.append([name, String(heap.arena), Units.count(heap.liveObjects), Units.bytes(heap.liveBytes),
                           Units.bytes(heap.peakBytes), optionalBytes(heap.arenaAllocated),
                           optionalBytes(heap.arenaActive), optionalBytes(heap.arenaResident)])
            let age = max(0, published.heartbeatAt - heap.updatedAt)
            generations.append([name] + heap.trackedObjects.map { Units.count($0) } + [Units.seconds(age) + " ago"])
            let last = heap.lastGeneration.map { "\(Units.duration(heap.lastPauseSeconds)) (g\($0))" } ?? "-"
            var row = [name, heap.collections.map { Units.count($0) }.joined(separator: "/"),
                       Units.count(heap.collected.reduce(0, +)), Units.count(heap.uncollectable.reduce(0, +)),
                       last, Units.duration(heap.totalPauseSeconds)]
            if let rates { row.append(rates[name].map { Units.fixed($0, decimals: 1) } ?? "-") }
            collector.append(row)
            let old = heap.trackedObjects[2]
            let pass = old > 0 ? Units.percent(Double(min(heap.passVisited, old)) / Double(old)) : "-"
            incremental.append([name, heap.mode.rawValue, Units.count(heap.increments), Units.count(heap.passes),
                                heap.mode == .incremental ? pass : "-",
                                heap.increments > 0 ? Units.duration(heap.longestPauseSeconds) : "-"])
        }
        return [
            header,
            "Memory (arena figures from the publisher's timer)\n" + memory.render(),
            "Tracked containers per generation (at each heap's last collection)\n" + generations.render(),
            "Collections (generations 0/1/2)\n" + collector.render(),
            "Old generation (incremental: increments, passes, this pass's progress)\n"
                + incremental.render(),
        ]
    }
}
