import Reclaim
import Testing

/// `Heap.shutdown()`: collections, then the finalizers of what is still
/// alive, oldest generation first, then collections again, then destroy.
@Suite("heap shutdown")
struct ShutdownTests {
    final class Log: @unchecked Sendable {
        var names: [String] = []
        var errors: [String] = []
        var keep: RawRef?
    }

    static func resourceType(_ log: Log) -> ObjectType {
        ObjectType.makeClass("Resource", attributes: ["name", "other"]) { this in
            let name = try this.attribute("name").stringValue()
            log.names.append(name)
            if name == "dropper", let keep = log.keep {
                // Lets go of what only the kept list held.
                try this.heap.withBorrowed(keep) { list in _ = try list.pop() }
            }
            if name == "failing" { throw ObjectError.typeError("closing failed") }
        }
    }

    @Test("garbage cycles are finalized by collection, then live objects oldest generation first, each once")
    func order() throws {
        let heap = try Heap()
        let log = Log()
        let resource = Self.resourceType(log)
        func make(_ name: String) throws -> Ref {
            let object = try heap.instance(of: resource)
            try object.setAttribute("name", to: heap.str(name))
            return object
        }
        let old = try make("old")
        heap.collector.collect()   // `old` moves to an older generation
        let young = try make("young")
        do {
            // A garbage cycle the first collection finds.
            let first = try make("cycle-a"), second = try make("cycle-b")
            try first.setAttribute("other", to: second)
            try second.setAttribute("other", to: first)
        }
        let summary = heap.shutdown()
        #expect(log.names.prefix(2).sorted() == ["cycle-a", "cycle-b"])
        #expect(Array(log.names.dropFirst(2)) == ["old", "young"])
        #expect(summary.collected == 2 && summary.finalized == 2)
        #expect(summary.freedAtDestruction == 4, "old and young, still held here, and their names")
        #expect(summary.collections >= 2)
        #expect(heap.isDestroyed)
        _ = consume old   // the heap is gone: releasing does nothing
        _ = consume young
    }

    @Test("what a finalizer lets go of at shutdown is finalized once; errors go to the unraisable hook")
    func droppedAndFailing() throws {
        let heap = try Heap()
        let log = Log()
        heap.unraisableHook = { log.errors.append($0.context) }
        let resource = Self.resourceType(log)
        func make(_ name: String) throws -> Ref {
            let object = try heap.instance(of: resource)
            try object.setAttribute("name", to: heap.str(name))
            return object
        }
        let kept = try heap.list()
        try kept.append(make("kept"))
        log.keep = kept.raw
        let dropper = try make("dropper"), failing = try make("failing")
        let summary = heap.shutdown()
        #expect(log.names.sorted() == ["dropper", "failing", "kept"])
        #expect(log.errors == ["finalizer of Resource object"])
        #expect(summary.finalized == 3)
        #expect(summary.freedAtDestruction == 5,
                "dropper, failing, their names and the list; kept (and its name) died when dropped")
        _ = consume dropper
        _ = consume failing
        _ = consume kept
    }
}
