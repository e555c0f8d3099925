// Unsafe code here: C strings (`const char *`) read from and lent to mallctl.
// Invariants: a string jemalloc returns is NUL-terminated and lives as long
// as jemalloc (it points into jemalloc's own data); a string lent to a write
// lives only for the call.

/// A Swift type that can be read from or written to a `mallctl` control.
///
/// Each control of jemalloc holds one C type (`bool`, `unsigned`, `size_t`,
/// `ssize_t`, `uint64_t`, `int64_t` or `const char *`). A conforming type names
/// the C representation it is exchanged as; jemalloc checks that the byte size
/// agrees and refuses the access otherwise, which surfaces as
/// ``MallctlError/Reason/wrongSize(requested:actual:)``.
public protocol MallctlValue: Sendable {
    /// The C type jemalloc stores for controls of this Swift type.
    associatedtype CRepresentation: BitwiseCopyable

    /// Creates a Swift value from what jemalloc wrote.
    init(cRepresentation: CRepresentation)

    /// Calls `body` with the C representation of this value; the
    /// representation (for strings, the pointer) is valid only inside `body`.
    func withCRepresentation<R, E: Error>(_ body: (CRepresentation) throws(E) -> R) throws(E) -> R
}

extension MallctlValue where CRepresentation == Self {
    /// Takes the value jemalloc wrote as is: the Swift type is its own C representation.
    @inlinable
    public init(cRepresentation: Self) { self = cRepresentation }

    /// Calls `body` with the value itself.
    @inlinable
    public func withCRepresentation<R, E: Error>(_ body: (Self) throws(E) -> R) throws(E) -> R {
        try body(self)
    }
}

/// C `bool`.
extension Bool: MallctlValue { public typealias CRepresentation = Bool }
/// C `unsigned`.
extension UInt32: MallctlValue { public typealias CRepresentation = UInt32 }
/// C `uint64_t`.
extension UInt64: MallctlValue { public typealias CRepresentation = UInt64 }
/// C `int64_t`.
extension Int64: MallctlValue { public typealias CRepresentation = Int64 }
/// C `size_t` or `ssize_t`, as Swift imports both.
extension Int: MallctlValue { public typealias CRepresentation = Int }
/// C `size_t` read as unsigned.
extension UInt: MallctlValue { public typealias CRepresentation = UInt }

/// C `const char *`: jemalloc hands out pointers to strings it owns for the
/// life of the process, which are copied into Swift strings on read; a write
/// passes a pointer that is valid for the duration of the `mallctl` call.
extension String: MallctlValue {
    /// A pointer to a NUL-terminated C string; `nil` reads as the empty string.
    public typealias CRepresentation = UnsafePointer<CChar>?

    /// Copies the C string jemalloc returned; `nil` gives the empty string.
    public init(cRepresentation: UnsafePointer<CChar>?) {
        self = cRepresentation.map { String(cString: $0) } ?? ""
    }

    /// Calls `body` with a NUL-terminated copy of the string, valid only during the call.
    public func withCRepresentation<R, E: Error>(
        _ body: (UnsafePointer<CChar>?) throws(E) -> R
    ) throws(E) -> R {
        // `withCString` does not take typed throws; the error passes through a Result.
        let result: Result<R, E> = withCString { pointer in
            do throws(E) { return .success(try body(pointer)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
