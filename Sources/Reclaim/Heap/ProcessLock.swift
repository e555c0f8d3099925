// Unsafe code here: a pthread mutex at a fixed address, owned by the lock.
// Invariants: the mutex is initialised once in `init`, destroyed and freed
// once in `deinit`, and never moved; `value` is read and written only
// between `pthread_mutex_lock` and `pthread_mutex_unlock` on it.

#if canImport(Glibc)
import Glibc
#endif

/// A value shared by every thread of the process, behind a pthread mutex.
///
/// For the process-wide tables (heap identifiers, types kept alive), in
/// place of `Synchronization.Mutex`: that one locks with futexes inside
/// the standard library, which ThreadSanitizer does not see, so every
/// access it protects is reported as a race. A pthread mutex is seen, so
/// the test run under ThreadSanitizer reports only real races.
final class ProcessLock<Value>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "ProcessLock.init: pthread_mutex_init failed with \(status)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Calls `body` with the value, the lock held.
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
