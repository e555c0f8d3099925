import Foundation
import Jemalloc
import Reclaim
import Synchronization

/// A heap's workload failed (an allocation failed, a figure could not be read).
public struct StressError: Error, CustomStringConvertible {
    /// The number of the heap that failed.
    public var heap: Int
    /// What went wrong, as the error described itself.
    public var reason: String
    /// `heap <number>: <reason>`.
    public var description: String { "heap \(heap): \(reason)" }
}
