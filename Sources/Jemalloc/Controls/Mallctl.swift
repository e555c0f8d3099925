import CJemalloc

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Unsafe core
//
// This file and MallctlControl.swift hold every raw call into jemalloc's
// `mallctl*` functions. The invariants they keep:
//
// * The `oldp`/`newp` buffers passed to jemalloc are exactly
//   `MemoryLayout<Value.CRepresentation>.size` bytes, are properly aligned for
//   that type, and live on the stack for the duration of the call only.
// * A value is loaded from the read buffer only when jemalloc returned 0, so
//   a failed or short read never produces a Swift value.
// * MIB buffers hold `count` initialised `size_t` components; indices are
//   substituted into a stack copy, never into the cached MIB.
// * Strings written are passed as a pointer valid for the call (see
//   `String.withCRepresentation`); strings read are pointers to jemalloc-owned,
//   immortal storage and are copied at once.

/// Maps a non-zero return of `mallctl` or `mallctlbymib` to an error.
@usableFromInline
///
/// `nameIsKnown` tells `ENOENT` apart: jemalloc answers `ENOENT` both for names
/// it does not have and for controls that exist but are off in this process.
func mallctlError(
    _ code: Int32, control: String, nameIsKnown: Bool,
    isWrite: Bool, requestedSize: Int, reportedSize: Int
) -> MallctlError {
    let reason: MallctlError.Reason
    switch code {
    case ENOENT: reason = nameIsKnown ? .notAvailable : .unknownControl
    case EPERM: reason = .readOnly
    case EINVAL where isWrite: reason = .invalidValue
    case EINVAL:
        // On a size mismatch jemalloc copies min(requested, actual) bytes and
        // stores that count back; a smaller count is the control's real size.
        reason = .wrongSize(
            requested: requestedSize,
            actual: reportedSize < requestedSize ? reportedSize : nil)
    case EAGAIN: reason = .outOfMemory
    case EFAULT: reason = .operationFailed
    default: reason = .other(errno: code)
    }
    return MallctlError(control: control, reason: reason)
}

/// Looks up the management information base (MIB) of a control name.
@usableFromInline
func lookUpMIB(_ name: String) -> Result<[Int], MallctlError> {
    // No control name in jemalloc 5.3 has more than 7 components.
    var components = [Int](repeating: 0, count: 8)
    var count = components.count
    let code = components.withUnsafeMutableBufferPointer { buffer in
        mallctlnametomib(name, buffer.baseAddress, &count)
    }
    guard code == 0 else {
        return .failure(mallctlError(code, control: name, nameIsKnown: false,
                                     isWrite: false, requestedSize: 0, reportedSize: 0))
    }
    return .success(Array(components.prefix(count)))
}

/// One `mallctl` access, by name or by MIB: reads into `Value` when `read` is
/// true and writes `newValue` when it is non-nil.
///
/// - Parameter mib: the MIB to use, or `nil` to go through the name.
@inlinable @inline(__always)
func mallctlAccess<Value: MallctlValue>(
    control: @autoclosure () -> String,
    mib: UnsafeBufferPointer<Int>?,
    read: Bool,
    newValue: Value?
) throws(MallctlError) -> Value? {
    typealias C = Value.CRepresentation
    let size = MemoryLayout<C>.size

    func call(_ old: UnsafeMutableRawPointer?, _ oldLength: UnsafeMutablePointer<Int>?,
              _ new: UnsafeMutableRawPointer?, _ newLength: Int) -> Int32 {
        if let mib {
            return mallctlbymib(mib.baseAddress, mib.count, old, oldLength, new, newLength)
        }
        return mallctl(control(), old, oldLength, new, newLength)
    }

    return try withUnsafeTemporaryAllocation(of: C.self, capacity: 2) {
        (slots) throws(MallctlError) -> Value? in
        let oldSlot = UnsafeMutableRawPointer(slots.baseAddress!)
        let newSlot = UnsafeMutableRawPointer(slots.baseAddress! + 1)
        var oldLength = size
        let code: Int32 = withUnsafeMutablePointer(to: &oldLength) { lengthPointer in
            let old = read ? oldSlot : nil, length = read ? lengthPointer : nil
            guard let newValue else { return call(old, length, nil, 0) }
            return newValue.withCRepresentation { (c: C) -> Int32 in
                newSlot.storeBytes(of: c, as: C.self)
                return call(old, length, newSlot, size)
            }
        }
        guard code == 0 else {
            let name = control()
            // Only a by-name access can fail because the name is unknown.
            let known = mib != nil || (try? lookUpMIB(name).get()) != nil
            throw mallctlError(code, control: name, nameIsKnown: known,
                               isWrite: newValue != nil && !(read && oldLength < size),
                               requestedSize: size, reportedSize: oldLength)
        }
        return read ? Value(cRepresentation: oldSlot.load(as: C.self)) : nil
    }
}

/// The read-only fast path of ``mallctlAccess(control:mib:read:newValue:)``
/// for a control with a MIB: one `mallctlbymib` call into a stack slot.
@inlinable @inline(__always)
func mallctlRead<Value: MallctlValue>(
    mib: UnsafeBufferPointer<Int>, control: @autoclosure () -> String
) throws(MallctlError) -> Value {
    typealias C = Value.CRepresentation
    return try withUnsafeTemporaryAllocation(of: C.self, capacity: 1) { (slot) throws(MallctlError) -> Value in
        let size = MemoryLayout<C>.size
        var length = size
        let code = mallctlbymib(mib.baseAddress, mib.count, slot.baseAddress, &length, nil, 0)
        guard code == 0 else {
            throw mallctlError(code, control: control(), nameIsKnown: true, isWrite: false,
                               requestedSize: size, reportedSize: length)
        }
        return Value(cRepresentation: UnsafeRawPointer(slot.baseAddress!).load(as: C.self))
    }
}

/// A `mallctl` access that neither reads nor writes a value (`arena.<i>.purge`,
/// `thread.tcache.flush`, ...).
func mallctlRun(control: @autoclosure () -> String, mib: UnsafeBufferPointer<Int>?) throws(MallctlError) {
    let code: Int32
    if let mib {
        code = mallctlbymib(mib.baseAddress, mib.count, nil, nil, nil, 0)
    } else {
        code = mallctl(control(), nil, nil, nil, 0)
    }
    guard code == 0 else {
        let name = control()
        let known = mib != nil || (try? lookUpMIB(name).get()) != nil
        throw mallctlError(code, control: name, nameIsKnown: known,
                           isWrite: true, requestedSize: 0, reportedSize: 0)
    }
}

// MARK: - By name

/// `mallctl` by name: typed reads, writes and commands on any control.
///
/// Each call parses the name again; for controls read repeatedly use a
/// ``MallctlControl``, which looks the name up once and then goes through its
/// MIB.
///
/// ```swift
/// let allocated = try Mallctl.read("stats.allocated", as: Int.self)
/// try Mallctl.write("arena.0.dirty_decay_ms", 0 as Int)
/// ```
public enum Mallctl {
    /// Reads the control `name` as `Value`.
    public static func read<Value: MallctlValue>(
        _ name: String, as type: Value.Type = Value.self
    ) throws(MallctlError) -> Value {
        try mallctlAccess(control: name, mib: nil, read: true, newValue: nil as Value?)!
    }

    /// Writes `value` to the control `name`.
    public static func write<Value: MallctlValue>(_ name: String, _ value: Value) throws(MallctlError) {
        _ = try mallctlAccess(control: name, mib: nil, read: false, newValue: value)
    }

    /// Writes `value` to the control `name` and returns the value it held before.
    public static func exchange<Value: MallctlValue>(_ name: String, _ value: Value) throws(MallctlError) -> Value {
        try mallctlAccess(control: name, mib: nil, read: true, newValue: value)!
    }

    /// Triggers the control `name`, which takes no value (for example
    /// `"arena.0.purge"`).
    public static func run(_ name: String) throws(MallctlError) {
        try mallctlRun(control: name, mib: nil)
    }

    /// The MIB of the control `name`: the path of integers that
    /// `mallctlbymib` takes instead of the name.
    public static func mib(of name: String) throws(MallctlError) -> [Int] {
        try lookUpMIB(name).get()
    }
}
