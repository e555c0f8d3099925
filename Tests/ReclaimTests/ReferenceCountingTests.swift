import Foundation
import Jemalloc
import Reclaim
import Synchronization
import Testing

@Suite("reference counting")
struct ReferenceCountingTests {
    @Test("an object is freed the moment its last reference goes, and its blocks return to the arena")
    func freedAtLastRelease() throws {
        let heap = try Heap()
        let baselineBytes = heap.liveBlockBytes, baselineObjects = heap.liveObjectCount
        let list = try heap.list()
        for index in 0..<100 { try list.append(heap.int(1000 + index)) }
        #expect(heap.liveObjectCount == baselineObjects + 101)
        let second = list.copy()
        #expect(list.referenceCount == 2)
        _ = consume second
        #expect(heap.liveObjectCount == baselineObjects + 101)
        _ = consume list
        #expect(heap.liveObjectCount == baselineObjects)
        #expect(heap.liveBlockBytes == baselineBytes)
    }

    @Test("None, True, False, small ints, '' and () are immortal: counting them changes nothing")
    func immortals() throws {
        let heap = try Heap()
        let objects = heap.liveObjectCount
        for value in [-5, 0, 1, 256] {
            let a = try heap.int(value), b = try heap.int(value)
            let same = a.isIdentical(to: b)
            #expect(same)
            #expect(a.raw.isImmortal)
            for _ in 0..<1000 { a.raw.retain() }
            #expect(a.referenceCount == UInt32.max)
            for _ in 0..<2000 { a.raw.release() }   // more releases than retains: still alive
            #expect(a.referenceCount == UInt32.max)
        }
        do {
            let big1 = try heap.int(257), big2 = try heap.int(257)
            let sameBig = big1.isIdentical(to: big2)
            #expect(!sameBig && !big1.raw.isImmortal)
        }
        #expect(heap.none.raw.isImmortal && heap.bool(true).raw.isImmortal && heap.bool(false).raw.isImmortal)
        #expect(try heap.str("").raw.isImmortal)
        #expect(heap.tuple().raw.isImmortal)
        #expect(try heap.bool(true).boolValue())
        #expect(heap.liveObjectCount == objects)
    }

    @Test("finalizer first, then references dropped, then the block freed")
    func destructionOrder() throws {
        let heap = try Heap()
        let out = Transcript()
        let child = ObjectType.makeClass("Child", attributes: []) { _ in out.print("child finalized") }
        let parent = ObjectType.makeClass("Parent", attributes: ["child"]) { this in
            // The parent's references are still intact while its finalizer runs.
            out.print("parent finalized, child alive: \(try this.attribute("child").type.name)")
        }
        let p = try heap.instance(of: parent)
        try p.setAttribute("child", to: heap.instance(of: child))
        _ = consume p
        #expect(out.lines == ["parent finalized, child alive: Child", "child finalized"])
        #expect(heap.liveObjectCount(of: parent) == 0 && heap.liveObjectCount(of: child) == 0)
    }

    @Test("a finalizer may resurrect its object, which then lives and is never finalized again (PEP 442)")
    func resurrection() throws {
        let heap = try Heap()
        let out = Transcript()
        let keeper = try heap.list()
        let keeperRaw = keeper.raw
        let phoenix = ObjectType.makeClass("Phoenix", attributes: ["name"]) { this in
            out.print("finalizing")
            try heap.withBorrowed(keeperRaw) { keeper in try keeper.append(this) }
        }
        let bird = try heap.instance(of: phoenix)
        try bird.setAttribute("name", to: heap.str("fawkes"))
        _ = consume bird
        #expect(out.lines == ["finalizing"])
        #expect(heap.liveObjectCount(of: phoenix) == 1)
        let revived = try keeper.item(at: 0)
        let finalized = heap.collector.isFinalized(revived)
        #expect(finalized)
        #expect(revived.referenceCount == 2)
        #expect(try revived.attribute("name").stringValue() == "fawkes")
        _ = try keeper.pop()
        _ = consume revived
        #expect(out.lines == ["finalizing"], "the finalizer does not run a second time")
        #expect(heap.liveObjectCount(of: phoenix) == 0)
    }

    @Test("an error thrown by a finalizer goes to the unraisable hook and destruction goes on")
    func finalizerThrows() throws {
        struct Boom: Error {}
        let heap = try Heap()
        var reported: [String] = []
        heap.unraisableHook = { reported.append($0.context) }
        let fragile = ObjectType.makeClass("Fragile", attributes: []) { _ in throw Boom() }
        _ = try heap.instance(of: fragile)
        #expect(reported == ["finalizer of Fragile object"])
        #expect(heap.liveObjectCount(of: fragile) == 0)
    }

    /// Runs `body` on a thread with a small stack: a destruction that
    /// recursed once per object would overflow it.
    func onSmallStack(_ body: @escaping @Sendable () throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        let thread = Thread {
            do { try body() } catch { failure.withLock { $0 = error } }
            done.signal()
        }
        thread.stackSize = 256 << 10
        thread.start()
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// The CI length; `reclaim-stress chain` runs the 10-million chain in release mode.
    static let chainLength = 1_000_000

    @Test("a long chain of instances is destroyed with bounded stack (256 KiB)")
    func longChain() throws {
        try onSmallStack {
            let heap = try Heap()
            let node = ObjectType.makeClass("Node", attributes: ["next"])
            var head = try heap.instance(of: node)
            for _ in 1..<Self.chainLength {
                let new = try heap.instance(of: node)
                try new.setAttribute("next", to: head)
                head = new
            }
            #expect(heap.liveObjectCount(of: node) == Self.chainLength)
            _ = consume head
            #expect(heap.liveObjectCount(of: node) == 0)
        }
    }

    @Test("a list nested a million deep is destroyed with bounded stack (256 KiB)")
    func deepNesting() throws {
        try onSmallStack {
            let heap = try Heap()
            let baseline = heap.liveBlockBytes
            var outer = try heap.list()
            for _ in 1..<1_000_000 {
                let wrapper = try heap.list()
                try wrapper.append(outer)
                outer = wrapper
            }
            #expect(heap.liveObjectCount(of: .list) == 1_000_000)
            _ = consume outer
            #expect(heap.liveObjectCount(of: .list) == 0)
            #expect(heap.liveBlockBytes == baseline)
        }
    }

    @Test("a chain of weak references, each callback holding the next, is destroyed with bounded stack (256 KiB)")
    func weakReferenceChain() throws {
        try onSmallStack {
            let heap = try Heap()
            let target = ObjectType.makeClass("Target", attributes: [])
            let length = 100_000
            // Each weak reference refers to an object of its own, kept alive
            // here, and its callback holds the only reference to the next.
            let targets = try heap.list()
            // (The callback holds the next one through a class box: an
            // escaping closure cannot own a noncopyable `Ref` itself.)
            final class Box: @unchecked Sendable {
                let reference: Ref
                init(_ reference: consuming Ref) { self.reference = reference }
            }
            var head = try heap.weakReferences.reference(to: heap.instance(of: target).copy())
            for _ in 1..<length {
                let object = try heap.instance(of: target)
                try targets.append(object)
                let next = Box(head)
                head = try heap.weakReferences.reference(to: object) { _ in _ = next.reference.referenceCount }
            }
            #expect(heap.liveObjectCount(of: .weakReference) == length)
            _ = consume head
            #expect(heap.liveObjectCount(of: .weakReference) == 0)
            #expect(heap.liveObjectCount(of: target) == length - 1)
        }
        // python3 frees the same chain (a million long) without trouble.
        let python = try cpythonLines("""
            import weakref
            class Target:
                __slots__ = ('__weakref__',)
            keep = []
            head = None
            for _ in range(1_000_000):
                t = Target(); keep.append(t)
                head = weakref.ref(t, (lambda nxt: lambda r: nxt)(head))
            del head
            print('ok')
            """)
        #expect(python == ["ok"])
    }

    @Test("the unsafe layer: explicit retain and release")
    func rawLayer() throws {
        let heap = try Heap()
        let raw = try heap.float(2.5).takeRaw()
        #expect(raw.referenceCount == 1)
        raw.retain()
        raw.retain()
        #expect(raw.referenceCount == 3)
        raw.release()
        raw.release()
        let objects = heap.liveObjectCount
        raw.release()
        #expect(heap.liveObjectCount == objects - 1)
    }
}
