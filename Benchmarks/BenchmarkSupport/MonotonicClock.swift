#if canImport(Glibc)
import Glibc
#endif

/// The monotonic clock, in nanoseconds: what every benchmark times with.
public func nowNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
