import CJemalloc
import Jemalloc

/// Suite `alloc`: the wrapper's sized allocate/deallocate against calling
/// `mallocx`/`sdallocx` directly, for 32-byte and 4-KiB blocks, in batches
/// of 100 live blocks (allocate all, then free all), which the thread cache
/// mostly serves.
enum AllocSuite {
    static let batch = 100

    static func cases(n: Int) -> [BenchmarkCase] {
        [32, 4096].map { size in
            let slots = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: batch)
            let options = AllocationOptions.default
            let raw = Contender(implementation: "mallocx") { n in
                var checksum = 0
                for _ in 0..<(n / batch) {
                    for i in 0..<batch { slots[i] = mallocx(size, 0) }
                    for i in 0..<batch {
                        checksum &+= Int(bitPattern: slots[i])
                        sdallocx(slots[i], size, 0)
                    }
                }
                return checksum
            }
            let wrapped = Contender(implementation: "reclaim") { n in
                var checksum = 0
                for _ in 0..<(n / batch) {
                    for i in 0..<batch { slots[i] = try! Allocator.allocate(byteCount: size, options: options) }
                    for i in 0..<batch {
                        checksum &+= Int(bitPattern: slots[i])
                        Allocator.deallocate(slots[i]!, byteCount: size, options: options)
                    }
                }
                return checksum
            }
            return BenchmarkCase(suite: "alloc", name: "alloc-free-\(size)", contenders: [raw, wrapped],
                                 n: max(batch, n / batch * batch))
        }
    }
}
