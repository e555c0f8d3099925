import BenchmarkSupport
import Reclaim

/// `binary-trees`: the Computer Language Benchmarks Game's program with a
/// parent link in every node. A stretch tree of depth D+1, a long-lived
/// tree of depth D, then for each depth d = 4, 6, … D, 2^(D−d+4) trees of
/// depth d, each built, checked (its nodes counted) and dropped. On Reclaim
/// every tree is a cycle that only the collector frees; in Swift the parent
/// link is `weak`, as a Swift programmer writes it, and ARC frees each tree
/// when it is dropped. The checksum counts every node checked.
enum BinaryTrees {
    // MARK: Reclaim

    static let treeNode = ObjectType.makeClass("TreeNode", attributes: ["left", "right", "parent"])

    /// A tree of `depth` under `parent`, returned owned (the unsafe layer,
    /// as an interpreter's inner loop uses it).
    static func makeTree(_ heap: Heap, depth: Int, parent: RawRef?) -> RawRef {
        let node = try! heap.allocateObject(of: treeNode)
        if let parent { node.setSlot(2, to: parent) }
        if depth > 0 {
            let left = makeTree(heap, depth: depth - 1, parent: node)
            node.setSlot(0, to: left)
            left.release()
            let right = makeTree(heap, depth: depth - 1, parent: node)
            node.setSlot(1, to: right)
            right.release()
        }
        return node
    }

    static func check(_ node: RawRef) -> Int {
        guard let left = node.slot(0), let right = node.slot(1) else { return 1 }
        return 1 + check(left) + check(right)
    }

    static func onReclaim(depth maxDepth: Int) -> ProgramFigures {
        let heap = try! Heap()
        let tally = CollectorTally(heap)
        let started = nowNanoseconds()
        var checksum = 0
        let stretch = makeTree(heap, depth: maxDepth + 1, parent: nil)
        checksum += check(stretch)
        stretch.release()
        let longLived = makeTree(heap, depth: maxDepth, parent: nil)
        for depth in stride(from: 4, through: maxDepth, by: 2) {
            for _ in 0..<(1 << (maxDepth - depth + 4)) {
                let tree = makeTree(heap, depth: depth, parent: nil)
                checksum += check(tree)
                tree.release()
            }
        }
        checksum += check(longLived)
        longLived.release()
        return ProgramFigures(.binaryTrees, .reclaim, started: started, tally: tally, checksum: checksum)
    }

    // MARK: Swift ARC

    final class Node {
        var left: Node?
        var right: Node?
        weak var parent: Node?

        init(parent: Node?) { self.parent = parent }
    }

    static func makeTree(depth: Int, parent: Node?) -> Node {
        let node = Node(parent: parent)
        if depth > 0 {
            node.left = makeTree(depth: depth - 1, parent: node)
            node.right = makeTree(depth: depth - 1, parent: node)
        }
        return node
    }

    static func check(_ node: Node) -> Int {
        guard let left = node.left, let right = node.right else { return 1 }
        return 1 + check(left) + check(right)
    }

    static func withARC(depth maxDepth: Int) -> ProgramFigures {
        let started = nowNanoseconds()
        var checksum = check(makeTree(depth: maxDepth + 1, parent: nil))
        let longLived = makeTree(depth: maxDepth, parent: nil)
        for depth in stride(from: 4, through: maxDepth, by: 2) {
            for _ in 0..<(1 << (maxDepth - depth + 4)) {
                checksum += check(makeTree(depth: depth, parent: nil))
            }
        }
        checksum += check(longLived)
        return ProgramFigures(.binaryTrees, .swiftARC, started: started, tally: nil, checksum: checksum)
    }
}
