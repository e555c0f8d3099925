import Foundation
@testable import Reclaim
import Testing

/// Misuse stops the process with a message naming the type and the
/// operation. Each case runs in a child: this test bundle again, filtered to
/// `misuseChild`, told by an environment variable which misuse to commit.
@Suite("misuse is reported, not silently corrupting")
struct MisuseTests {
    static let variable = "RECLAIM_MISUSE_CASE"

    enum Case: String, CaseIterable {
        case overRelease, useAfterFree, foreignHeap, foreignHeapDict, useAfterDestroy, collectAfterDestroy, flushAfterDestroy, immortalAfterDestroy, destroyFromFinalizer, traverseOvercounts, bufferIndexOutOfRange, wrongThread, payloadOutOfBounds, payloadForeignHeap, payloadCountWord, destroyDuringShutdown, instanceOfDeadClass, instanceInForeignHeap, rawOfTemporary, staleInstanceOfDeadClass, instanceOfDyingClass
    }

    static let expectedMessages: [Case: String] = [
        .overRelease: "Point.release: the object at",
        .useAfterFree: "str.retain: the object at",
        .foreignHeap: "list.append: the int object belongs to another heap",
        .foreignHeapDict: "dict.setValue: the str object belongs to another heap",
        .useAfterDestroy: "Heap: allocating a list object: heap ",
        .collectAfterDestroy: "Collector.collect: heap ",
        .flushAfterDestroy: "Heap.flushCache: heap ",
        .immortalAfterDestroy: "Heap.int: heap ",
        .destroyFromFinalizer: "Heap.destroy: heap ",
        .traverseOvercounts: "Collector.collect, after phase 2: the list object at",
        .bufferIndexOutOfRange: "GrowableBuffer: index 1 is outside 0..<1",
        .wrongThread: "Heap: allocating a list object: heap ",
        .payloadOutOfBounds: "ObjectPayload.load(_:at:): Pair object at",
        .payloadForeignHeap: "ObjectPayload.initializeReference(at:to:): Pair object at",
        .payloadCountWord: "ObjectPayload.store(_:at:): Row object at",
        .destroyDuringShutdown: "Heap.destroy: heap ",
        .instanceOfDeadClass: "Heap.instance(of:): class Gone: its class object has died",
        .instanceInForeignHeap: "Heap.instance(of:): class Here: its class object belongs to another heap",
        .rawOfTemporary: "int.retain: the object at",
        .staleInstanceOfDeadClass: "instance of a run-time class.retain: the object at",
        .instanceOfDyingClass: "Heap.instance(of:): class Dying: its class object has died",
    ]

    @Test("each misuse stops the child with its message", arguments: Case.allCases)
    func misuse(_ misuse: Case) throws {
        let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: bundle)
        child.arguments = ["--testing-library", "swift-testing", "--filter", "misuseChild"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.variable] = misuse.rawValue
        child.environment = environment
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("misuse-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        child.standardError = try FileHandle(forWritingTo: errors)
        child.standardOutput = FileHandle.nullDevice
        try child.run()
        child.waitUntilExit()
        let stderr = try String(contentsOf: errors, encoding: .utf8)
        #expect(child.terminationReason == .uncaughtSignal, "the child must stop, not carry on")
        let expected = try #require(Self.expectedMessages[misuse])
        #expect(stderr.contains(expected), "stderr: \(stderr.prefix(600))")
    }

    @Test("child side", .enabled(if: ProcessInfo.processInfo.environment[variable] != nil))
    func misuseChild() throws {
        let misuse = try #require(Case(rawValue: ProcessInfo.processInfo.environment[Self.variable]!))
        let heap = try Heap()
        switch misuse {
        case .overRelease:
            let point = ObjectType.makeClass("Point", attributes: ["x"])
            let raw = try heap.instance(of: point).takeRaw()
            raw.release()
            raw.release()
        case .useAfterFree:
            let raw = try heap.str("gone").takeRaw()
            raw.release()
            raw.retain()
        case .foreignHeap:
            let other = try Heap()
            let list = try heap.list()
            try list.append(other.int(1000))
        case .foreignHeapDict:
            let other = try Heap()
            let dict = try heap.dict()
            try dict.setValue(heap.none, forKey: other.str("key"))
        case .useAfterDestroy:
            heap.destroy()
            _ = try heap.list()
        case .collectAfterDestroy:
            heap.destroy()
            heap.collector.collect()
        case .flushAfterDestroy:
            heap.destroy()
            try heap.flushCache()
        case .immortalAfterDestroy:
            heap.destroy()
            _ = try heap.int(7)
        case .wrongThread:
            // The heap belongs to this thread; another one allocates in it.
            _ = try heap.list()
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                _ = try? heap.list()
                done.signal()
            }
            thread.start()
            done.wait()
        case .payloadOutOfBounds:
            let pair = ObjectType(name: "Pair", basicSize: 16)
            let object = try heap.allocateObject(of: pair)
            print(object.payload.load(Int.self, at: 16))   // one word past the fixed part
        case .payloadForeignHeap:
            let other = try Heap()
            let pair = ObjectType(name: "Pair", basicSize: 16)
            try heap.allocateObject(of: pair).payload.initializeReference(at: 0, to: other.str("elsewhere"))
        case .payloadCountWord:
            // Writing the count word would let accesses, and the free, go past the block.
            let row = ObjectType(name: "Row", basicSize: 8, itemSize: 8)
            try heap.allocateObject(of: row, itemCount: 2).payload.store(1_000, at: 0)
        case .rawOfTemporary:
            // The temporary Ref is released at the end of the statement; the
            // quarantine keeps its block from the ints made next.
            let raw = try heap.int(1000).raw
            for value in 0..<100 { _ = try heap.int(2000 + value) }
            raw.retain()
        case .staleInstanceOfDeadClass:
            // The instance held the last reference to its class: both go.
            let raw = try heap.instance(ofClass: heap.makeClass("Fleeting", attributes: [])).raw
            raw.retain()
        case .instanceOfDyingClass:
            // A finalize action runs while the class object is being destroyed.
            let dying = try heap.makeClass("Dying", attributes: [])
            let type = try dying.instanceType()
            try heap.weakReferences.finalize(dying) { _ = try? heap.instance(of: type) }
            _ = consume dying
        case .instanceOfDeadClass:
            // Swift may keep a class's type after its class object has died.
            let type = try heap.makeClass("Gone", attributes: []).instanceType()
            _ = try heap.instance(of: type)
        case .instanceInForeignHeap:
            let here = try heap.makeClass("Here", attributes: [])
            _ = try Heap().instance(of: here.instanceType())
        case .destroyDuringShutdown:
            let closer = ObjectType.makeClass("Closer", attributes: []) { this in this.heap.destroy() }
            let kept = try heap.instance(of: closer)
            heap.shutdown()
            _ = consume kept
        case .bufferIndexOutOfRange:
            // The collector's tables and work lists check every index in
            // debug builds (the suite runs in debug builds only).
            var buffer = GrowableBuffer<Int>()
            buffer.append(7)
            print(buffer[1])
        case .traverseOvercounts:
            // A type that holds one reference and visits it twice: the
            // list's scratch count would go below zero.
            let twice = ObjectType(
                name: "Twice", basicSize: 8,
                traverse: { object, visit in
                    let target = object.payload.reference(at: 0)!
                    visit(target)
                    visit(target)
                },
                dropReferences: { object, _ in _ = object.payload.takeReference(at: 0) })
            let holder = try heap.allocateObject(of: twice)
            holder.payload.initializeReference(at: 0, to: try heap.list())
            heap.collector.collect()
            holder.release()
        case .destroyFromFinalizer:
            let doomed = ObjectType.makeClass("Doomed", attributes: []) { this in this.heap.destroy() }
            _ = try heap.instance(of: doomed)
        }
        Issue.record("the misuse \(misuse) was not caught")
    }
}
