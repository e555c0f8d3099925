import Foundation

/// The process's standard error as a `TextOutputStream`, for `print(_:to:)`:
/// where the default unraisable hook and the collector's debug lines go.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
