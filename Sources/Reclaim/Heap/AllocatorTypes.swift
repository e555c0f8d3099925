import Jemalloc

/// An allocation the heap's arena could not satisfy (from the allocator module).
public typealias AllocationError = Jemalloc.AllocationError
