#if canImport(Glibc)
import Glibc
#endif

/// The durations of a heap's collections.
struct CollectionPauses {
    var lastNanoseconds: UInt64 = 0
    var totalNanoseconds: UInt64 = 0
    /// The generation of the last collection; -1 before the first.
    var lastGeneration = -1

    mutating func record(seconds: Double, generation: Int) {
        let nanoseconds = UInt64(max(0, seconds * 1e9))
        lastNanoseconds = nanoseconds
        totalNanoseconds &+= nanoseconds
        lastGeneration = generation
    }
}

/// Seconds on the monotonic clock, for timing collections.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
