import Foundation
import Jemalloc
import Reclaim
import Synchronization

/// One heap's workload, run on its own thread.
final class HeapWorkload {
    let index: Int
    let configuration: Stress.Configuration
    let shared: SharedCounters
    var random: SplitMix64
    var finalizersRun = 0
    var weakCallbacks = 0
    var pauses: [Double] = []

    init(index: Int, configuration: Stress.Configuration, shared: SharedCounters) {
        self.index = index
        self.configuration = configuration
        self.shared = shared
        random = SplitMix64(seed: configuration.seed &+ UInt64(index) &* 0x9E37_79B9)
    }

    func run() throws -> Stress.HeapResult {
        let heap = try Heap()
        defer { heap.destroy() }
        let node = ObjectType.makeClass("StressNode", attributes: ["a", "b"])
        let finalized = ObjectType.makeClass("StressFinalized", attributes: ["a", "b"]) { [unowned self] _ in
            finalizersRun += 1
        }
        heap.collector.callbacks.append { [unowned self] phase, info in
            guard phase == .stop else { return }
            pauses.append(info.duration)
            shared.collections.add(1, ordering: .relaxed)
        }
        try heap.flushCache()
        let immortals = heap.liveObjectCount
        let baseline = try heap.introspection.snapshot().arena.allocated

        let started = Date()
        var operations = 0
        do {
            let live = try heap.list(capacity: configuration.liveObjects)
            for _ in 0..<configuration.liveObjects { try live.append(heap.none) }
            let weakSlots = 1024
            let weak = try heap.list(capacity: weakSlots)
            for _ in 0..<weakSlots { try weak.append(heap.none) }

            func newObject() throws -> Ref {
                try heap.instance(of: random.nextDouble() < configuration.finalizerShare ? finalized : node)
            }
            func isInstance(_ object: borrowing Ref) -> Bool {
                let type = object.raw.type
                return type === node || type === finalized
            }
            while true {
                if let limit = configuration.operations, operations >= limit { break }
                if let seconds = configuration.durationSeconds, operations % 256 == 0,
                   Date().timeIntervalSince(started) >= seconds { break }
                let choice = random.nextDouble()
                if choice < configuration.cyclicShare {
                    // A ring of 2 to 5 objects, dropped at once: only the collector frees it.
                    let first = try newObject()
                    var last = first.copy()
                    for _ in 1..<(2 + Int(random.next() % 4)) {
                        let next = try newObject()
                        try last.setAttribute(slot: 0, to: next)
                        last = next
                    }
                    try last.setAttribute(slot: 0, to: first)
                } else if choice < configuration.cyclicShare + configuration.weakReferenceShare {
                    let target = try live.item(at: randomSlot())
                    if isInstance(target) {
                        let reference = try heap.weakReferences.reference(to: target) { [unowned self] _ in weakCallbacks += 1 }
                        try weak.setItem(at: Int(random.next() % UInt64(weakSlots)), to: reference)
                    }
                } else if choice < 0.75 {
                    // Replace a live object: the old one (and what only it held) goes.
                    let object = try newObject()
                    let neighbour = try live.item(at: randomSlot())
                    if isInstance(neighbour) { try object.setAttribute(slot: 1, to: neighbour) }
                    try live.setItem(at: randomSlot(), to: object)
                } else if choice < 0.9 {
                    // Link two live objects (cycles among live objects form this way).
                    let from = try live.item(at: randomSlot()), to = try live.item(at: randomSlot())
                    if isInstance(from) { try from.setAttribute(slot: 0, to: to) }
                } else {
                    // Short-lived containers and strings: reference counting alone.
                    let scratch = try heap.list()
                    try scratch.append(try heap.str("scratch \(operations)"))
                    try scratch.append(try heap.int(operations))
                }
                operations += 1
                if operations % 1024 == 0 { shared.operations.add(1024, ordering: .relaxed) }
            }
            shared.operations.add(operations % 1024, ordering: .relaxed)
            if configuration.deliberateLeaks > 0 {
                for slot in 0..<min(configuration.deliberateLeaks, configuration.liveObjects) {
                    _ = try live.item(at: slot).takeRaw()  // one reference nobody will drop
                }
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        // Everything is dropped: cycles left over go in one full collection.
        heap.collector.collect()
        let final = try heap.introspection.snapshot()
        let statistics = heap.collector.statistics
        pauses.sort()
        func percentile(_ share: Double) -> Double {
            pauses.isEmpty ? 0 : pauses[min(pauses.count - 1, Int(Double(pauses.count - 1) * share))]
        }
        return Stress.HeapResult(
            heap: index, arena: heap.arena.index, operations: operations,
            operationsPerSecond: Double(operations) / max(elapsed, 1e-9),
            collections: statistics.map(\.collections),
            collected: statistics.reduce(0) { $0 + $1.collected },
            uncollectable: statistics.reduce(0) { $0 + $1.uncollectable },
            finalizersRun: finalizersRun, weakReferenceCallbacks: weakCallbacks,
            pauseP50: percentile(0.5), pauseP99: percentile(0.99), pauseMax: pauses.last ?? 0,
            peakLiveBytes: final.peakBytes, baselineBytes: baseline, finalBytes: final.arena.allocated,
            leakedObjects: final.liveObjects - immortals)
    }

    func randomSlot() -> Int { Int(random.next() % UInt64(configuration.liveObjects)) }
}
