import Glibc
import Jemalloc
import Testing

@Suite("sized allocation")
struct AllocatorTests {
    @Test("a zero-byte request and a non-power-of-two alignment are errors, not crashes")
    func badRequests() {
        #expect(throws: AllocationError(byteCount: 0, alignment: nil, reason: .zeroSize)) {
            try Allocator.allocate(byteCount: 0)
        }
        #expect(throws: AllocationError(byteCount: 0, alignment: 24, reason: .invalidAlignment)) {
            try AllocationOptions(alignment: 24)
        }
        #expect(Allocator.sizeClass(forByteCount: 0) == nil)
    }

    @Test("a request jemalloc cannot satisfy throws outOfMemory")
    func outOfMemory() {
        let huge = 1 << 62
        #expect(throws: AllocationError(byteCount: huge, alignment: nil, reason: .outOfMemory)) {
            try Allocator.allocate(byteCount: huge)
        }
        #expect(Allocator.sizeClass(forByteCount: Int.max) == nil)
        #expect(String(describing: AllocationError(byteCount: huge, alignment: nil, reason: .outOfMemory))
            .contains("\(huge) bytes"))
    }

    @Test("real size is the size class, at least the request", arguments: [1, 17, 100, 4096, 5000, 40_000, 2_097_152])
    func realSizeIsSizeClass(size: Int) throws {
        let block = try Allocator.allocate(byteCount: size)
        defer { Allocator.deallocate(block, byteCount: size) }
        let real = Allocator.realSize(of: block)
        #expect(real >= size)
        #expect(real == Allocator.sizeClass(forByteCount: size))
    }

    @Test("alignment and zero-fill are honoured")
    func alignmentAndZero() throws {
        for alignment in [64, 4096, 1 << 16] {
            let options = try AllocationOptions(alignment: alignment, zeroed: true)
            let block = try Allocator.allocate(byteCount: 3000, options: options)
            #expect(Int(bitPattern: block) % alignment == 0)
            let bytes = UnsafeRawBufferPointer(start: block, count: 3000)
            #expect(bytes.allSatisfy { $0 == 0 })
            Allocator.deallocate(block, byteCount: 3000, options: options)
        }
    }

    @Test("jemalloc is the process's malloc exactly when no sanitizer runtime has replaced it")
    func processMallocIsKnown() {
        let sanitized = dlsym(nil, "__asan_init") != nil || dlsym(nil, "__tsan_init") != nil
        #expect(SharedLibrary.isProcessMalloc == !sanitized)
    }

    @Test("the process's malloc is jemalloc: memory from Swift's allocator has a jemalloc size",
          .enabled(if: SharedLibrary.isProcessMalloc, "a sanitizer's runtime (or a preloaded allocator) replaced malloc"))
    func jemallocIsTheProcessAllocator() throws {
        let array = [UInt8](repeating: 7, count: 10_000)
        try array.withUnsafeBufferPointer { buffer in
            // The array's storage header sits before its elements, in a block jemalloc owns.
            let before = try ThreadCounters.allocated()
            let copy = Array(buffer)
            #expect(try ThreadCounters.allocated() >= before + 10_000)
            #expect(copy.count == 10_000)
        }
    }

    @Test("explicit thread caches have distinct identifiers and can be flushed and destroyed")
    func threadCaches() throws {
        let first = try ThreadCache.create(), second = try ThreadCache.create()
        #expect(first != second)
        let options = try AllocationOptions(cache: .explicit(first))
        let block = try Allocator.allocate(byteCount: 32, options: options)
        Allocator.deallocate(block, byteCount: 32, options: options)
        try first.flush()
        try first.destroy()
        try second.destroy()
        try ThreadCache.flushCurrentThread()
    }
}
