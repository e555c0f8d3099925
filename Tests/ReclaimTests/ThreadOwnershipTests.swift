import Foundation
import Reclaim
import Synchronization
import Testing

/// A heap belongs to one thread at a time; `relinquish()` hands it over.
/// (Use from the wrong thread stops the process: `MisuseTests.wrongThread`.)
@Suite("thread ownership")
struct ThreadOwnershipTests {
    @Test("a relinquished heap is used by another thread, which then owns it")
    func handOver() throws {
        let heap = try Heap()
        let list = try heap.list().takeRaw()
        heap.relinquish()
        let outcome = Mutex<Int?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            // This thread owns the heap from its first use.
            let count = try? heap.withBorrowed(list) { list -> Int in
                for value in 0..<100 { try list.append(heap.int(value)) }
                return try list.length()
            }
            list.release()
            heap.relinquish()   // back to whoever uses it next
            outcome.withLock { $0 = count }
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(outcome.withLock { $0 } == 100)
        #expect(heap.collector.collect() == 0, "the test's thread owns it again")
        #expect(heap.liveObjectCount(of: .list) == 0)
    }
}
