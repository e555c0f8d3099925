// Unsafe code here: read(2) into a Swift array's bytes.
// Invariants: the read never asks for more than the chunk's count.

#if canImport(Glibc)
import Glibc
#endif

/// Where the jemalloc shared library this process runs on lives.
public enum SharedLibrary {
    /// The path of the `libjemalloc.so*` mapped into this process (from
    /// `/proc/self/maps`), or `nil` when jemalloc is linked statically or the
    /// map cannot be read.
    public static func path() -> String? {
        for line in readProcFile("/proc/self/maps").split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = line[slash...]
            if path.split(separator: "/").last?.hasPrefix("libjemalloc.so") == true { return String(path) }
        }
        return nil
    }

    /// Whether jemalloc is the process's `malloc`: false when something
    /// interposes its own — a sanitizer's runtime (AddressSanitizer and
    /// ThreadSanitizer bring theirs) or another allocator preloaded — so
    /// that memory from `malloc`, and from Swift's allocator, is not in
    /// jemalloc's statistics. (Memory from jemalloc's own `mallocx` family,
    /// which Reclaim's heaps use, is counted either way.) True when jemalloc
    /// is linked statically, so that no library of it can be compared.
    public static var isProcessMalloc: Bool {
        guard let path = path() else { return true }
        guard let library = dlopen(path, RTLD_NOW | RTLD_NOLOAD) else { return false }
        defer { dlclose(library) }
        // dlsym with a null handle (RTLD_DEFAULT): the definition every call resolves to.
        return dlsym(library, "malloc") == dlsym(nil, "malloc")
    }

    /// Reads a `/proc` file to its end (such files report a size of 0, so
    /// readers that trust the size see nothing).
    static func readProcFile(_ path: String) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return "" }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
