import Foundation
import Jemalloc
import Reclaim
import Synchronization

/// Counters the workload threads add to and the progress display reads.
final class SharedCounters: Sendable {
    let operations = Atomic<Int>(0)
    let collections = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
}
