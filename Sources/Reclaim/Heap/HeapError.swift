/// A heap could not be created.
public enum HeapError: Error, Equatable, CustomStringConvertible {
    /// jemalloc could not create the heap's arena or thread cache.
    case allocatorSetupFailed(String)
    /// 65,535 heaps exist (a heap's identifier is 16 bits).
    case tooManyHeaps
    /// The heap's immortal objects could not be allocated.
    case immortalsFailed(ObjectAllocationError)

    /// What went wrong, naming `Heap.init`.
    public var description: String {
        switch self {
        case .allocatorSetupFailed(let why): return "Heap.init: could not set up the heap's arena: \(why)"
        case .tooManyHeaps: return "Heap.init: 65,535 heaps exist already"
        case .immortalsFailed(let error): return "Heap.init: could not make the heap's immortal objects: \(error)"
        }
    }
}
