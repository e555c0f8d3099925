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
        case overRelease, useAfterFree, foreignHeap, foreignHeapDict, useAfterDestroy, collectAfterDestroy, flushAfterDestroy, immortalAfterDestroy, destroyFromFinalizer, traverseOvercounts, bufferIndexOutOfRange, wrongThread
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
                    let target = RawRef(pointer: object.pointer.load(fromByteOffset: 16, as: UnsafeMutableRawPointer.self))
                    visit(target)
                    visit(target)
                },
                dropReferences: { object, _ in
                    RawRef(pointer: object.pointer.load(fromByteOffset: 16, as: UnsafeMutableRawPointer.self)).release()
                })
            let holder = try heap.allocateObject(of: twice)
            holder.pointer.storeBytes(of: try heap.list().takeRaw().pointer, toByteOffset: 16, as: UnsafeMutableRawPointer.self)
            heap.collector.collect()
            holder.release()
        case .destroyFromFinalizer:
            let doomed = ObjectType.makeClass("Doomed", attributes: []) { this in this.heap.destroy() }
            _ = try heap.instance(of: doomed)
        }
        Issue.record("the misuse \(misuse) was not caught")
    }
}
