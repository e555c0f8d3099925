// Unsafe code here: the Swift runtime's demangler, called through its C entry.
// Invariants: the name passed is NUL-terminated and lives for the call; the
// string the runtime returns is malloc'd, copied, then freed once.

import Foundation

/// Readable names for Swift's mangled symbols, through the runtime's demangler.
enum SwiftSymbols {
    @_silgen_name("swift_demangle")
    private static func runtimeDemangle(_ mangled: UnsafePointer<CChar>?, _ length: UInt,
                                        _ buffer: UnsafeMutablePointer<CChar>?, _ bufferSize: UnsafeMutablePointer<UInt>?,
                                        _ flags: UInt32) -> UnsafeMutablePointer<CChar>?

    /// `symbol` demangled when it is a Swift symbol, else unchanged.
    static func demangle(_ symbol: String) -> String {
        guard symbol.hasPrefix("$s") || symbol.hasPrefix("_$s") || symbol.hasPrefix("$S") else { return symbol }
        let utf8 = Array(symbol.utf8CString)
        guard let demangled = utf8.withUnsafeBufferPointer({ runtimeDemangle($0.baseAddress, UInt(utf8.count - 1), nil, nil, 0) })
        else { return symbol }
        defer { free(demangled) }
        return String(cString: demangled)
    }
}
