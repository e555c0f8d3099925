extension TextRenderer {
    /// `memstat stress`: the workload, a row per heap, and the leak check.
    static func stressSections(_ result: Stress.Result) -> [String] {
        let configuration = result.configuration
        let bound = configuration.operations.map { "\(Units.count($0)) operations per heap" }
            ?? "\(Units.seconds(configuration.durationSeconds ?? 0))"
        let workload = "Workload\n" + [
            "  \(configuration.heaps) heap\(configuration.heaps == 1 ? "" : "s") on as many threads, \(bound), "
                + "seed \(configuration.seed)",
            "  live set \(Units.count(configuration.liveObjects)) objects per heap; cyclic garbage "
                + "\(Units.percent(configuration.cyclicShare)) of operations,",
            "  finalizers on \(Units.percent(configuration.finalizerShare)) of new objects, weak references "
                + "\(Units.percent(configuration.weakReferenceShare)) of operations",
            "  ran \(Units.seconds(result.elapsedSeconds)); peak resident (whole process) \(Units.bytes(result.peakResident))",
            "  all heaps together: \(Units.count(Int(result.totalOperationsPerSecond))) ops/s",
        ].joined(separator: "\n")

        var throughput = TextTable([.init("heap", .left), .init("ops"), .init("ops/s"), .init("collections"),
                                    .init("collected"), .init("finalized"), .init("weak cb")])
        var pauses = TextTable([.init("heap", .left), .init("p50"), .init("p99"), .init("max"), .init("peak live"),
                                .init("arena at start"), .init("at end"), .init("leaked")])
        for heap in result.heaps {
            let name = String(heap.heap)
            throughput.append([name, Units.count(heap.operations), Units.count(Int(heap.operationsPerSecond.rounded())),
                               heap.collections.map { Units.count($0) }.joined(separator: "/"),
                               Units.count(heap.collected), Units.count(heap.finalizersRun),
                               Units.count(heap.weakReferenceCallbacks)])
            let leaked = heap.leakedObjects == 0 && heap.leakedBytes == 0
                ? "none" : "\(Units.count(heap.leakedObjects)) obj, \(Units.bytes(heap.leakedBytes))"
            pauses.append([name, Units.duration(heap.pauseP50), Units.duration(heap.pauseP99),
                           Units.duration(heap.pauseMax), Units.bytes(heap.peakLiveBytes),
                           Units.bytes(heap.baselineBytes), Units.bytes(heap.finalBytes), leaked])
        }
        let verdict = result.leaked
            ? "LEAK: a heap ended with objects or arena bytes beyond its baseline (exit status 1)"
            : "No leak: every heap's objects were freed and each arena is back to its baseline"
        return [
            workload,
            "Throughput (collections of generations 0/1/2)\n" + throughput.render(),
            "Collection pauses and memory\n" + pauses.render(),
            verdict,
        ]
    }
}
