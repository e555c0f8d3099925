/// A jemalloc arena, by index: its creation, decay settings, purging, reset
/// and destruction, and its statistics.
///
/// An arena made with ``create()`` is used only by allocations that name it
/// (``AllocationOptions/arena``); jemalloc never hands it to threads
/// automatically. For its statistics to account exactly for what was
/// allocated in it, small allocations must also go through a thread cache
/// created for it, or through none: see ``ThreadCache``.
public struct Arena: Hashable, Sendable, CustomStringConvertible {
    /// The arena index jemalloc knows it by.
    public let index: Int

    /// Refers to the existing arena `index`.
    public init(index: Int) { self.index = index }

    /// `arena <index>`, for example `arena 3`.
    public var description: String { "arena \(index)" }

    static let createControl = MallctlControl<UInt32>("arenas.create")
    static let purgeCommand = MallctlCommand("arena.<i>.purge")
    static let decayCommand = MallctlCommand("arena.<i>.decay")
    static let resetCommand = MallctlCommand("arena.<i>.reset")
    static let destroyCommand = MallctlCommand("arena.<i>.destroy")
    static let dirtyDecayControl = MallctlControl<Int>("arena.<i>.dirty_decay_ms")
    static let muzzyDecayControl = MallctlControl<Int>("arena.<i>.muzzy_decay_ms")
    static let threadArenaControl = MallctlControl<UInt32>("thread.arena")

    /// Creates a new arena with the default extent hooks.
    public static func create() throws(MallctlError) -> Arena {
        try arenaLifecycleLock.withLock { _ throws(MallctlError) in Arena(index: Int(try createControl.read())) }
    }

    /// The arena the calling thread allocates from by default.
    public static func current() throws(MallctlError) -> Arena {
        Arena(index: Int(try threadArenaControl.read()))
    }

    /// Purges every unused dirty page of the arena at once, whatever the decay settings.
    public func purge() throws(MallctlError) { try Arena.purgeCommand.run(index) }

    /// Purges the unused dirty and muzzy pages that decay says are due now.
    public func decay() throws(MallctlError) { try Arena.decayCommand.run(index) }

    /// Discards every allocation in the arena, which stays usable.
    ///
    /// Blocks allocated from it must not be touched afterwards, and blocks of
    /// it still in thread caches must have been flushed first.
    public func reset() throws(MallctlError) {
        try arenaLifecycleLock.withLock { _ throws(MallctlError) in try Arena.resetCommand.run(index) }
    }

    /// Discards every allocation in the arena and destroys it; its index may
    /// be reused by a later ``create()``. Only arenas made by ``create()`` can
    /// be destroyed, and only when no thread is bound to them.
    public func destroy() throws(MallctlError) {
        try arenaLifecycleLock.withLock { _ throws(MallctlError) in try Arena.destroyCommand.run(index) }
    }

    /// Milliseconds an unused dirty page stays before it is purged; `-1`
    /// keeps dirty pages forever, `0` purges at once.
    public func dirtyDecayMilliseconds() throws(MallctlError) -> Int { try Arena.dirtyDecayControl.read(index) }

    /// Sets the dirty decay time (see ``dirtyDecayMilliseconds()``).
    public func setDirtyDecayMilliseconds(_ milliseconds: Int) throws(MallctlError) {
        try Arena.dirtyDecayControl.write(milliseconds, index)
    }

    /// Milliseconds an unused muzzy page stays before it is given back; `-1`
    /// keeps them, `0` gives them back at once.
    public func muzzyDecayMilliseconds() throws(MallctlError) -> Int { try Arena.muzzyDecayControl.read(index) }

    /// Sets the muzzy decay time (see ``muzzyDecayMilliseconds()``).
    public func setMuzzyDecayMilliseconds(_ milliseconds: Int) throws(MallctlError) {
        try Arena.muzzyDecayControl.write(milliseconds, index)
    }

    /// The arena's figures, advancing the epoch first when `refresh` is true.
    public func stats(refresh: Bool = true) throws(MallctlError) -> ArenaStats {
        try ArenaStats.read(arena: index, refresh: refresh)
    }

    /// The arena's small size classes, advancing the epoch first when `refresh` is true.
    public func bins(refresh: Bool = true) throws(MallctlError) -> [BinStats] {
        try BinStats.readAll(arena: index, refresh: refresh)
    }

    /// The arena's large size classes in use, advancing the epoch first when `refresh` is true.
    public func largeExtents(refresh: Bool = true) throws(MallctlError) -> [LargeExtentStats] {
        try LargeExtentStats.readInUse(arena: index, refresh: refresh)
    }
}
