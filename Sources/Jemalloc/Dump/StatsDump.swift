// Unsafe code here: the write callback of malloc_stats_print.
// Invariants: the sink is passed to jemalloc as an unretained opaque pointer
// and stays alive (held by the caller) until malloc_stats_print returns; each
// chunk jemalloc hands over is read once, for its length, during the call.

import CJemalloc

#if canImport(Glibc)
import Glibc
#endif

/// jemalloc's full statistics report (`malloc_stats_print`), captured
/// through its write callback into Swift rather than written to stderr.
public enum StatsDump {
    /// Accumulates what jemalloc writes during one `malloc_stats_print` call.
    private final class Sink {
        var bytes: [UInt8] = []
    }

    /// The report as text. `options` are the letters `malloc_stats_print`
    /// takes (`J` for JSON, `g`, `m`, `d`, `a`, `b`, `l`, `x`, `e`, `h` to
    /// leave parts out).
    ///
    /// Arenas are not created, reset or destroyed through ``Arena`` while the
    /// report is written (jemalloc would abort).
    ///
    /// Unsafe core: the sink is passed to jemalloc as an unretained opaque
    /// pointer; it lives on this frame for the whole synchronous call, and the
    /// callback only appends the NUL-terminated chunk jemalloc passes, which
    /// is valid during the callback.
    public static func text(options: String = "") -> String {
        let sink = Sink()
        arenaLifecycleLock.withLock { _ in
            withExtendedLifetime(sink) {
                let context = Unmanaged.passUnretained(sink).toOpaque()
                malloc_stats_print({ context, chunk in
                    guard let context, let chunk else { return }
                    let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
                    let length = strlen(chunk)
                    chunk.withMemoryRebound(to: UInt8.self, capacity: length) {
                        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
                    }
                }, context, options)
            }
        }
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// The report as JSON text (`malloc_stats_print` with `J`).
    public static func json(omitting letters: String = "") -> String {
        text(options: "J" + letters)
    }

    /// Splits concatenated JSON objects at their top-level closing braces,
    /// skipping braces inside strings.
    public static func splitDocuments(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var documents: [ArraySlice<UInt8>] = []
        var depth = 0, start: Int? = nil, inString = false, escaped = false
        for (offset, byte) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"):
                if depth == 0 { start = offset }
                depth += 1
            case UInt8(ascii: "}") where depth > 0:
                depth -= 1
                if depth == 0, let begin = start { documents.append(bytes[begin...offset]) }
            default: break
            }
        }
        return documents
    }
}
