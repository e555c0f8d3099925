#if canImport(Glibc)
import Glibc
#endif

/// A heap is used by one thread at a time. The thread that makes it owns
/// it; in checked (debug) builds every heap operation — allocating,
/// collecting, retaining or releasing an object, reading its figures —
/// from another thread stops the process with a message naming the heap,
/// the operation and both threads, instead of corrupting the heap
/// silently. Release builds do not check: the cost there is zero.
///
/// To move a heap to another thread, its owner calls ``Heap/relinquish()``
/// when it is done with it; the next thread to use the heap owns it from
/// then on. A `Task` that uses a heap across a suspension point may resume
/// on another thread, so it relinquishes the heap before each `await`.
extension Heap {
    /// Gives up this thread's ownership of the heap: the next thread to use
    /// it owns it. Call it on the owning thread, after its last use there.
    public func relinquish() {
        #if DEBUG
        checkOwner("Heap.relinquish")
        core.pointee.owner = nil
        #endif
    }

    /// In checked builds, stops when a thread other than the owner uses
    /// the heap; a heap without an owner becomes this thread's.
    @inline(__always)
    func checkOwner(_ operation: @autoclosure () -> String) {
        #if DEBUG
        let current = pthread_self()
        guard let owner = core.pointee.owner else {
            core.pointee.owner = current
            return
        }
        if pthread_equal(owner, current) == 0 {
            preconditionFailure("\(operation()): heap \(identity.id) belongs to thread "
                                + "0x\(String(UInt(owner), radix: 16)), but this is thread 0x\(String(UInt(current), radix: 16)); "
                                + "a heap is used by one thread at a time (hand it over with Heap.relinquish())")
        }
        #endif
    }
}
