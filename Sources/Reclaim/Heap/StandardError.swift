#if canImport(Glibc)
import Glibc
#endif

/// The process's standard error as a `TextOutputStream`, for `print(_:to:)`:
/// where the default unraisable hook and the collector's debug lines go.
/// Written with `write(2)` directly, so the library needs no Foundation.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var text = string
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // nowhere else to report a failing stderr
                }
            }
        }
    }
}
