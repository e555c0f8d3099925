/// A request the collector cannot carry out, naming the operation asked
/// for, as CPython's `gc` raises `ValueError` for a generation it does not
/// have.
public struct CollectorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Why the request was refused.
    public enum Reason: Equatable, Sendable {
        /// The generation given is not 0, 1 or 2.
        case invalidGeneration(Int)
        /// The index given is not one of ``Collector/garbage``'s (which has `count` objects).
        case garbageIndexOutOfRange(Int, count: Int)
    }

    /// The operation asked for, for example `Heap.collect(generation:)`.
    public var operation: String
    /// Why it was refused.
    public var reason: Reason

    /// An error for `operation`, refused for `reason`.
    public init(operation: String, reason: Reason) {
        self.operation = operation
        self.reason = reason
    }

    /// A sentence naming the operation and the generation the collector does not have.
    public var description: String {
        switch reason {
        case .invalidGeneration(let generation):
            return "\(operation): generation \(generation) is not one of the collector's generations 0, 1 and 2"
        case .garbageIndexOutOfRange(let index, let count):
            return "\(operation): index \(index) is outside the \(count) objects of gc.garbage"
        }
    }

    /// The collector's generations, youngest first.
    static let generations = 0...2

    /// Returns `generation` when the collector has it; throws otherwise.
    static func checked(_ generation: Int, _ operation: String) throws(CollectorError) -> Int {
        guard generations.contains(generation) else {
            throw CollectorError(operation: operation, reason: .invalidGeneration(generation))
        }
        return generation
    }
}
