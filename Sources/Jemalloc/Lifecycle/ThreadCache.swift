/// An explicit thread cache (tcache), by identifier.
///
/// jemalloc's caches serve small requests without touching the arena; the
/// automatic cache of a thread is bound to that thread's arena and will hand
/// out cached blocks of that arena even when an allocation names another
/// one. A cache created here is bound to no arena until first used; give each
/// dedicated arena its own cache and pass both to every allocation and
/// deallocation, then ``flush()`` it before reading the arena's statistics,
/// and the arena accounts exactly for the blocks allocated for it.
///
/// A cache may be used from one thread at a time.
public struct ThreadCache: Hashable, Sendable, CustomStringConvertible {
    /// The identifier jemalloc knows the cache by.
    public let identifier: Int

    /// Refers to the existing cache `identifier`.
    public init(identifier: Int) { self.identifier = identifier }

    /// `tcache <identifier>`, for example `tcache 2`.
    public var description: String { "tcache \(identifier)" }

    static let createControl = MallctlControl<UInt32>("tcache.create")
    static let flushControl = MallctlControl<UInt32>("tcache.flush")
    static let destroyControl = MallctlControl<UInt32>("tcache.destroy")
    static let flushCurrentCommand = MallctlCommand("thread.tcache.flush")

    /// Creates an explicit cache.
    public static func create() throws(MallctlError) -> ThreadCache {
        ThreadCache(identifier: Int(try createControl.read()))
    }

    /// Returns every block the cache holds to its arena.
    public func flush() throws(MallctlError) { try ThreadCache.flushControl.write(UInt32(identifier)) }

    /// Flushes the cache and frees it; the identifier may be reused.
    public func destroy() throws(MallctlError) { try ThreadCache.destroyControl.write(UInt32(identifier)) }

    /// Flushes the calling thread's automatic cache.
    public static func flushCurrentThread() throws(MallctlError) { try flushCurrentCommand.run() }
}
