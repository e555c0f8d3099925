/// An object, or the storage of one, that a heap could not allocate; the
/// message names the object's type.
public struct ObjectAllocationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Why the allocation failed.
    public enum Reason: Equatable, Sendable {
        /// A count of items (or a capacity) below zero was asked for.
        case negativeCount(Int)
        /// The bytes asked for overflow `Int` or exceed the largest block
        /// jemalloc can make; `byteCount` is nil when they overflow.
        case tooLarge(byteCount: Int?)
        /// jemalloc returned no memory for a block of `byteCount` bytes.
        case outOfMemory(byteCount: Int)
    }

    /// The name of the type of the object being made or grown.
    public var typeName: String
    /// Why it failed.
    public var reason: Reason

    /// An error for an object of type `typeName`.
    public init(typeName: String, reason: Reason) {
        self.typeName = typeName
        self.reason = reason
    }

    /// A sentence starting `Heap.allocateObject:` that names the type and, when known, the bytes.
    public var description: String {
        switch reason {
        case .negativeCount(let count):
            return "Heap.allocateObject: cannot allocate a \(typeName) object with \(count) items: the count is negative"
        case .tooLarge(let byteCount?):
            return "Heap.allocateObject: cannot allocate a \(typeName) object of \(byteCount) bytes: "
                + "it exceeds the largest block the allocator makes"
        case .tooLarge(nil):
            return "Heap.allocateObject: cannot allocate a \(typeName) object: its size in bytes overflows"
        case .outOfMemory(let byteCount):
            return "Heap.allocateObject: out of memory for \(byteCount) bytes of a \(typeName) object"
        }
    }
}
