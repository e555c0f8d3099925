#if canImport(Glibc)
import Glibc
#endif

/// This process's peak resident memory in MiB: the kernel's high-water
/// mark of its address space (`VmHWM` in `/proc/self/status`), or nil when
/// that cannot be read.
///
/// Not `getrusage`'s `ru_maxrss`: a child started with `posix_spawn` (as
/// Foundation's `Process` does) shares its parent's address space until it
/// execs, and Linux carries that space's high-water mark into the child's
/// `ru_maxrss`, so a small child reports its parent's peak. `VmHWM`
/// belongs to the address space the exec made, so it is the program's own.
/// python3's side reads the same line (`CPython.peakResidentFunction`).
public func peakResidentMiB() -> Double? {
    guard let file = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = line.withUnsafeBufferPointer { String(validatingCString: $0.baseAddress!) ?? "" }
        guard text.hasPrefix("VmHWM:") else { continue }
        // "VmHWM:\t   12345 kB\n"
        let fields = text.dropFirst("VmHWM:".count).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard fields.count >= 2, fields[1].hasPrefix("kB"), let kibibytes = Double(fields[0]) else { return nil }
        return kibibytes / 1024
    }
    return nil
}
