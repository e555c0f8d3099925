import BenchmarkSupport
import Reclaim

/// `long-lived`: a heap of `live` objects kept for the whole program —
/// node i refers to node i/2, all held by one list — and a steady trickle
/// of cyclic garbage over it: each operation makes a ring of two nodes,
/// checks it is one, and drops it (in Swift one link of the ring is
/// `weak`). The checksum counts the nodes kept and the rings checked.
enum LongLived {
    static let nodeType = ObjectType.makeClass("LongLivedNode", attributes: ["up", "other"])

    static func onReclaim(live: Int, operations: Int) -> ProgramFigures {
        let heap = try! Heap()
        let tally = CollectorTally(heap)
        let started = nowNanoseconds()
        let nodes = try! heap.list()
        for index in 0..<live {
            let node = try! heap.allocateObject(of: nodeType)
            if index > 0 {
                let up = try! nodes.item(at: index / 2)
                node.setSlot(0, to: up.raw)
            }
            try! nodes.append(Ref(adopting: node, heap: heap))
        }
        var rings = 0
        for _ in 0..<operations {
            let first = try! heap.allocateObject(of: nodeType), second = try! heap.allocateObject(of: nodeType)
            first.setSlot(1, to: second)
            second.setSlot(1, to: first)
            if first.slot(1)!.slot(1)! == first { rings += 1 }
            first.release()
            second.release()
        }
        let checksum = try! nodes.length() + rings
        return ProgramFigures(.longLived, .reclaim, started: started, tally: tally, checksum: checksum)
    }

    final class Node {
        var up: Node?
        var other: Node?
        weak var back: Node?
    }

    static func withARC(live: Int, operations: Int) -> ProgramFigures {
        let started = nowNanoseconds()
        var nodes: [Node] = []
        for index in 0..<live {
            let node = Node()
            if index > 0 { node.up = nodes[index / 2] }
            nodes.append(node)
        }
        var rings = 0
        for _ in 0..<operations {
            let first = Node(), second = Node()
            first.other = second
            second.back = first
            if first.other!.back === first { rings += 1 }
        }
        let checksum = nodes.count + rings
        return ProgramFigures(.longLived, .swiftARC, started: started, tally: nil, checksum: checksum)
    }
}
