import CJemalloc
import Jemalloc
import Reclaim

/// A Swift class of two stored properties, the ARC reference.
final class SwiftPair {
    let a: Int
    let b: Int
    init(a: Int, b: Int) {
        self.a = a
        self.b = b
    }
}

/// Owned references the benchmark closures borrow.
final class Held {
    /// Refs do not keep their heap alive; this does.
    let heap: Heap
    let one: Ref
    let two: Ref
    let target: Ref
    init(heap: Heap, one: consuming Ref, two: consuming Ref, target: consuming Ref) {
        self.heap = heap
        self.one = one
        self.two = two
        self.target = target
    }
}

/// Suite `objects`: the life of a small instance with two attribute slots,
/// a retain/release pair, and header sizes, each beside its references.
enum ObjectsSuite {
    static func cases(n: Int) -> [BenchmarkCase] {
        let heap = try! Heap()
        let pair = ObjectType.makeClass("Pair", attributes: ["a", "b"])
        // The values stored are immortal small ints, as `S(1, 2)` stores in CPython.
        let held = Held(heap: heap, one: try! heap.int(1), two: try! heap.int(2), target: try! heap.instance(of: pair))
        let oneRaw = held.one.raw, twoRaw = held.two.raw
        // Same block size as a Pair: gc word, header and two slots.
        let blockSize = 8 + 16 + 16

        let raw = Contender(implementation: "mallocx") { n in
            var checksum = 0
            for _ in 0..<n {
                let block = mallocx(blockSize, 0)!
                block.storeBytes(of: oneRaw.pointer, toByteOffset: 24, as: UnsafeMutableRawPointer.self)
                block.storeBytes(of: twoRaw.pointer, toByteOffset: 32, as: UnsafeMutableRawPointer.self)
                checksum &+= Int(bitPattern: block)
                sdallocx(block, blockSize, 0)
            }
            return checksum
        }
        // The same on an arena and thread cache of its own, as a heap allocates.
        let ownArena = try! AllocationOptions(arena: Arena.create(), cache: .explicit(ThreadCache.create()))
        let rawOwnArena = Contender(implementation: "mallocx-own-arena") { n in
            var checksum = 0
            for _ in 0..<n {
                let block = mallocx(blockSize, ownArena.flags)!
                block.storeBytes(of: oneRaw.pointer, toByteOffset: 24, as: UnsafeMutableRawPointer.self)
                block.storeBytes(of: twoRaw.pointer, toByteOffset: 32, as: UnsafeMutableRawPointer.self)
                checksum &+= Int(bitPattern: block)
                sdallocx(block, blockSize, ownArena.deallocationFlags)
            }
            return checksum
        }
        let unsafeLayer = Contender(implementation: "reclaim-raw") { n in
            var checksum = 0
            for _ in 0..<n {
                let object = try! heap.allocateObject(of: pair)
                object.setSlot(0, to: oneRaw)
                object.setSlot(1, to: twoRaw)
                checksum &+= Int(bitPattern: object.pointer)
                object.release()
            }
            return checksum
        }
        let safeLayer = Contender(implementation: "reclaim-ref") { n in
            var checksum = 0
            for _ in 0..<n {
                let object = try! heap.instance(of: pair)
                try! object.setAttribute(slot: 0, to: held.one)
                try! object.setAttribute(slot: 1, to: held.two)
                checksum &+= Int(bitPattern: object.raw.pointer)
            }
            return checksum
        }
        let swift = Contender(implementation: "swift-class") { n in
            var checksum = 0
            for index in 0..<n {
                let object = SwiftPair(a: index, b: 2)
                checksum &+= ObjectIdentifier(object).hashValue
            }
            return checksum
        }
        let cpython = Contender(implementation: "cpython") { n in
            CPython.nanosecondsPerOperation(
                setup: """
                    class S:
                        __slots__ = ('a', 'b')
                        def __init__(self, a, b):
                            self.a = a
                            self.b = b
                    """,
                statement: "S(1, 2)", n: min(n, 2_000_000))
        }

        let targetRaw = held.target.raw
        let swiftObject = SwiftPair(a: 1, b: 2)
        let retainRaw = Contender(implementation: "reclaim-raw") { n in
            withExtendedLifetime(held) {}
            for _ in 0..<n {
                targetRaw.retain()
                blackHole(targetRaw)
                targetRaw.release()
            }
            return Int(targetRaw.referenceCount)
        }
        let retainRef = Contender(implementation: "reclaim-ref") { n in
            for _ in 0..<n { blackHole(held.target.copy().raw) }
            return Int(held.target.referenceCount)
        }
        let retainSwift = Contender(implementation: "swift-arc") { n in
            // A strong store and clear through memory: one swift_retain and
            // one swift_release each time, which the optimiser cannot cancel.
            let slot = UnsafeMutablePointer<SwiftPair?>.allocate(capacity: 1)
            slot.initialize(to: nil)
            for _ in 0..<n {
                slot.pointee = swiftObject
                blackHole(slot)
                slot.pointee = nil
            }
            slot.deinitialize(count: 1)
            slot.deallocate()
            return swiftObject.a
        }
        return [
            BenchmarkCase(suite: "objects", name: "instance-2-slots", contenders: [raw, rawOwnArena, unsafeLayer, safeLayer, swift, cpython], n: n),
            BenchmarkCase(suite: "objects", name: "retain-release", contenders: [retainSwift, retainRaw, retainRef], n: n),
        ]
    }

    /// Header and object sizes: Reclaim's logical sizes against CPython's
    /// `sys.getsizeof` of the equivalent objects.
    static func sizeLines() -> [String] {
        let heap = try! Heap()
        let empty = ObjectType.makeClass("E", attributes: [])
        let pair = ObjectType.makeClass("S", attributes: ["a", "b"])
        let reclaim = [
            ("header-untracked", 16),
            ("header-tracked", 24),
            ("int-1000", heap.introspection.sizeOf(try! heap.int(1000)).logical),
            ("float", heap.introspection.sizeOf(try! heap.float(1.5)).logical),
            ("instance-0-slots", heap.introspection.sizeOf(try! heap.instance(of: empty)).logical),
            ("instance-2-slots", heap.introspection.sizeOf(try! heap.instance(of: pair)).logical),
            ("empty-list", heap.introspection.sizeOf(try! heap.list()).logical),
        ]
        let python = CPython.sizes(
            setup: "class E: __slots__ = ()\nclass S: __slots__ = ('a', 'b')",
            expressions: ["None", "E()", "1000", "1.5", "E()", "S()", "[]"])
        var lines: [String] = []
        for (index, (name, bytes)) in reclaim.enumerated() {
            // CPython's header sizes: None is a bare header; a slotless instance is header + PyGC_Head.
            let reference = index < python.count ? python[index] : -1
            lines.append("{\"suite\":\"objects\",\"case\":\"size-\(name)\",\"impl\":\"reclaim\",\"bytes\":\(bytes)}")
            lines.append("{\"suite\":\"objects\",\"case\":\"size-\(name)\",\"impl\":\"cpython\",\"bytes\":\(reference)}")
        }
        return lines
    }
}
