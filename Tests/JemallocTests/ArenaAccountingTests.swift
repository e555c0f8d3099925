import Jemalloc
import Testing

/// A fresh arena with its own explicit thread cache, destroyed afterwards.
struct DedicatedArena: ~Copyable {
    let arena: Arena
    let cache: ThreadCache
    let options: AllocationOptions

    init() throws {
        let arena = try Arena.create(), cache = try ThreadCache.create()
        let options = try AllocationOptions(arena: arena, cache: .explicit(cache))
        self.arena = arena
        self.cache = cache
        self.options = options
    }

    deinit {
        try? cache.destroy()
        try? arena.destroy()
    }
}

@Suite("per-arena accounting")
struct ArenaAccountingTests {
    @Test("64 MiB of large blocks raise the arena's large.allocated by 64 MiB, and freeing restores it")
    func largeBlocks() throws {
        let dedicated = try DedicatedArena()
        let baseline = try dedicated.arena.stats().large.allocated
        let blockSize = 1 << 20
        var blocks: [UnsafeMutableRawPointer] = []
        for _ in 0..<64 { blocks.append(try Allocator.allocate(byteCount: blockSize, options: dedicated.options)) }
        let grown = try dedicated.arena.stats().large
        #expect(grown.allocated - baseline >= 64 << 20)
        #expect(grown.nmalloc >= 64)
        for block in blocks { Allocator.deallocate(block, byteCount: blockSize, options: dedicated.options) }
        try dedicated.cache.flush()
        #expect(try dedicated.arena.stats().large.allocated == baseline)
    }

    @Test("100,000 small blocks through the arena's own tcache are exactly 100,000 more curregs after a flush")
    func smallBlocksExactCount() throws {
        let dedicated = try DedicatedArena()
        let size = 48
        let bin = try #require(try AllocatorInfo.binClasses().firstIndex { $0.size == size })
        let curregs = MallctlControl<Int>("stats.arenas.<i>.bins.<j>.curregs")
        try Epoch.advance()
        let baseline = try curregs.read(dedicated.arena.index, bin)

        var blocks: [UnsafeMutableRawPointer] = []
        blocks.reserveCapacity(100_000)
        for _ in 0..<100_000 { blocks.append(try Allocator.allocate(byteCount: size, options: dedicated.options)) }
        try dedicated.cache.flush()
        try Epoch.advance()
        #expect(try curregs.read(dedicated.arena.index, bin) == baseline + 100_000)
        let stats = try dedicated.arena.stats()
        #expect(stats.small.allocated == (baseline + 100_000) * size)

        for block in blocks { Allocator.deallocate(block, byteCount: size, options: dedicated.options) }
        try dedicated.cache.flush()
        try Epoch.advance()
        #expect(try curregs.read(dedicated.arena.index, bin) == baseline)
    }

    @Test("without its own tcache, an arena misses small blocks the thread's cache hands out")
    func automaticCacheBypassesArena() throws {
        let arena = try Arena.create()
        defer { try? arena.destroy() }
        let size = 80
        // Warm the calling thread's automatic cache with blocks of its own arena.
        var warm: [UnsafeMutableRawPointer] = []
        for _ in 0..<64 { warm.append(try Allocator.allocate(byteCount: size)) }
        for block in warm { Allocator.deallocate(block, byteCount: size) }

        let misdirected = try AllocationOptions(arena: arena)  // arena, automatic cache
        var blocks: [UnsafeMutableRawPointer] = []
        for _ in 0..<16 { blocks.append(try Allocator.allocate(byteCount: size, options: misdirected)) }
        let inArena = try arena.stats().small.allocated
        #expect(inArena < 16 * size, "the automatic cache served cached blocks of another arena")
        for block in blocks { Allocator.deallocate(block, byteCount: size, options: misdirected) }

        // With no cache at all, the arena sees every block.
        let direct = try AllocationOptions(arena: arena, cache: .none)
        let before = try arena.stats().small.allocated
        for _ in 0..<16 { blocks.append(try Allocator.allocate(byteCount: size, options: direct)) }
        #expect(try arena.stats().small.allocated == before + 16 * size)
        for block in blocks.suffix(16) { Allocator.deallocate(block, byteCount: size, options: direct) }
    }

    @Test("reset discards an arena's allocations; destroy frees its index for reuse")
    func resetAndDestroy() throws {
        let arena = try Arena.create()
        let options = try AllocationOptions(arena: arena, cache: .none)
        for _ in 0..<10 { _ = try Allocator.allocate(byteCount: 256 << 10, options: options) }
        for _ in 0..<10 { _ = try Allocator.allocate(byteCount: 64, options: options) }
        #expect(try arena.stats().large.allocated >= 10 * (256 << 10))
        try arena.reset()
        let afterReset = try arena.stats()
        #expect(afterReset.large.allocated == 0)
        #expect(afterReset.small.allocated == 0)
        try arena.destroy()
        #expect(try AllocatorInfo.isArenaInitialized(arena.index) == false)
    }

    @Test("purge returns an arena's dirty pages")
    func purge() throws {
        let arena = try Arena.create()
        defer { try? arena.destroy() }
        try arena.setDirtyDecayMilliseconds(-1)  // keep dirty pages until purged
        let options = try AllocationOptions(arena: arena, cache: .none)
        let blocks = try (0..<8).map { _ in try Allocator.allocate(byteCount: 1 << 20, options: options) }
        for block in blocks { Allocator.deallocate(block, byteCount: 1 << 20, options: options) }
        #expect(try arena.stats().pdirty > 0)
        try arena.purge()
        #expect(try arena.stats().pdirty == 0)
        try arena.decay()
    }

    @Test("the bins and large classes of an arena match what it holds")
    func binsAndLargeExtents() throws {
        let dedicated = try DedicatedArena()
        let large = try Allocator.allocate(byteCount: 100_000, options: dedicated.options)
        let small = try (0..<10).map { _ in try Allocator.allocate(byteCount: 200, options: dedicated.options) }
        try dedicated.cache.flush()
        let bins = try dedicated.arena.bins()
        let bin = try #require(bins.first { $0.geometry.size == Allocator.sizeClass(forByteCount: 200) })
        #expect(bin.counters.curregs == 10)
        #expect(bin.counters.curslabs == 1)
        #expect(bin.utilisation == 10.0 / Double(bin.geometry.nregs))
        #expect(bins.reduce(0) { $0 + $1.allocatedBytes } == (try dedicated.arena.stats(refresh: false).small.allocated))
        let extents = try dedicated.arena.largeExtents()
        #expect(extents.count == 1)
        #expect(extents.first?.sizeClass == Allocator.realSize(of: large, options: dedicated.options))
        for block in small { Allocator.deallocate(block, byteCount: 200, options: dedicated.options) }
        Allocator.deallocate(large, byteCount: 100_000, options: dedicated.options)
    }
}
