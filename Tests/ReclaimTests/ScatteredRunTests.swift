@testable import Reclaim
import Testing

/// A collection prefetches in stages only in runs that lie scattered over
/// the heap (`UnsafeBufferPointer<RawRef>.liesScattered`), judged from a
/// sample of neighbours and what they refer to.
@Suite("scattered runs")
struct ScatteredRunTests {
    let node = ObjectType.makeClass("ScatterNode", attributes: ["next"])

    /// A seeded generator, so that a failure repeats.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    func scattered(_ run: [RawRef]) -> Bool { run.withUnsafeBufferPointer { $0.liesScattered } }

    @Test("a chain laid out in order is not scattered; linked at random, or read in random order, it is")
    func classification() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        var nodes: [RawRef] = []
        for _ in 0..<8192 { nodes.append(try heap.allocateObject(of: node)) }
        for index in 0..<nodes.count - 1 { nodes[index].setSlot(0, to: nodes[index + 1]) }
        #expect(!scattered(nodes))
        // Short runs never count as scattered, whatever their order.
        var generator = Generator(state: 42)
        #expect(!scattered(Array(nodes.prefix(4095)).shuffled(using: &generator)))
        #expect(scattered(nodes.shuffled(using: &generator)))

        for index in nodes.indices { nodes[index].setSlot(0, to: nodes[Int.random(in: 0..<nodes.count, using: &generator)]) }
        #expect(scattered(nodes))
        heap.destroy()
    }
}
