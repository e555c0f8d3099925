import CJemalloc

/// How a block is allocated: alignment, zero-filling, arena and thread cache,
/// encoded once into the `MALLOCX_*` flags jemalloc takes.
///
/// Make the options once and reuse them: the allocation path then costs no
/// more than calling `mallocx` with the same flags.
public struct AllocationOptions: Hashable, Sendable {
    /// Which thread cache serves an allocation.
    public enum Cache: Hashable, Sendable {
        /// The calling thread's automatic cache (jemalloc's default).
        case automatic
        /// No cache: every allocation and deallocation goes to the arena.
        case none
        /// An explicit cache made with ``ThreadCache/create()``.
        case explicit(ThreadCache)
    }

    /// The alignment in bytes, a power of two; `nil` for jemalloc's natural alignment.
    public let alignment: Int?
    /// Whether new blocks are zero-filled.
    public let zeroed: Bool
    /// The arena to allocate from; `nil` for the calling thread's arena.
    public let arena: Arena?
    /// The cache that serves the allocation.
    public let cache: Cache
    /// The `flags` argument of `mallocx`.
    public let flags: Int32
    /// The flags for freeing and size queries: the same arena and cache,
    /// without `MALLOCX_ZERO`.
    public let deallocationFlags: Int32

    /// Allocation with jemalloc's defaults.
    public static let `default` = AllocationOptions(alignment: nil, zeroed: false, arena: nil, cache: .automatic, flags: 0)

    /// Checks and encodes the options.
    ///
    /// - Throws: ``AllocationError`` with reason `.invalidAlignment` when
    ///   `alignment` is not a power of two.
    public init(alignment: Int? = nil, zeroed: Bool = false, arena: Arena? = nil,
                cache: Cache = .automatic) throws(AllocationError) {
        var flags: Int32 = 0
        if let alignment {
            guard alignment > 0, alignment & (alignment - 1) == 0 else {
                throw AllocationError(byteCount: 0, alignment: alignment, reason: .invalidAlignment)
            }
            flags |= cjemalloc_mallocx_lg_align(UInt32(alignment.trailingZeroBitCount))
        }
        if zeroed { flags |= cjemalloc_mallocx_zero() }
        if let arena { flags |= cjemalloc_mallocx_arena(UInt32(arena.index)) }
        switch cache {
        case .automatic: break
        case .none: flags |= cjemalloc_mallocx_tcache_none()
        case .explicit(let tcache): flags |= cjemalloc_mallocx_tcache(UInt32(tcache.identifier))
        }
        self.init(alignment: alignment, zeroed: zeroed, arena: arena, cache: cache, flags: flags)
    }

    init(alignment: Int?, zeroed: Bool, arena: Arena?, cache: Cache, flags: Int32) {
        self.alignment = alignment
        self.zeroed = zeroed
        self.arena = arena
        self.cache = cache
        self.flags = flags
        self.deallocationFlags = flags & ~cjemalloc_mallocx_zero()
    }
}

/// An allocation jemalloc could not satisfy, or a request it must not see.
public struct AllocationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Why the allocation failed.
    public enum Reason: Equatable, Sendable {
        /// jemalloc returned no memory.
        case outOfMemory
        /// A block of zero bytes was requested (undefined for `mallocx`).
        case zeroSize
        /// The alignment is not a power of two.
        case invalidAlignment
    }

    /// The bytes requested (0 when ``AllocationOptions`` refused the alignment before any request).
    public var byteCount: Int
    /// The alignment requested, in bytes; `nil` for jemalloc's natural alignment.
    public var alignment: Int?
    /// Why it failed.
    public var reason: Reason

    /// Creates an error for a request of `byteCount` bytes at `alignment`.
    public init(byteCount: Int, alignment: Int?, reason: Reason) {
        self.byteCount = byteCount
        self.alignment = alignment
        self.reason = reason
    }

    /// A one-line message naming the API and the request, such as `Allocator.allocate: out of memory for 64 bytes aligned to 16`.
    public var description: String {
        let aligned = alignment.map { " aligned to \($0)" } ?? ""
        switch reason {
        case .outOfMemory: return "Allocator.allocate: out of memory for \(byteCount) bytes\(aligned)"
        case .zeroSize: return "Allocator.allocate: a block of 0 bytes cannot be allocated"
        case .invalidAlignment: return "AllocationOptions: alignment \(alignment ?? 0) is not a power of two"
        }
    }
}
