#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed `mallctl` read, write or lookup, naming the control and what went wrong.
///
/// jemalloc reports failures as `errno` values whose meaning depends on the
/// step that failed; this type turns them into one case each so callers can
/// match on the cause and people can read the message.
public struct MallctlError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Equatable, Sendable {
        /// No control of this name exists (`mallctlnametomib` said `ENOENT`).
        case unknownControl
        /// The control exists but this build or this process's options do not
        /// provide it (for example `prof.*` when the process did not start with
        /// `opt.prof`).
        case notAvailable
        /// The control cannot be written (`EPERM`).
        case readOnly
        /// The control holds a value of another size than the Swift type used.
        /// `actual` is the control's size in bytes when jemalloc reported it.
        case wrongSize(requested: Int, actual: Int?)
        /// The value written was refused (`EINVAL` on a write).
        case invalidValue
        /// jemalloc could not allocate memory for the operation (`EAGAIN`).
        case outOfMemory
        /// An operation with side effects failed for a reason of its own (`EFAULT`).
        case operationFailed
        /// Any other `errno`.
        case other(errno: Int32)
    }

    /// The control's name as jemalloc spells it, with indices filled in.
    public var control: String
    /// What went wrong.
    public var reason: Reason

    /// Creates an error for `control`.
    public init(control: String, reason: Reason) {
        self.control = control
        self.reason = reason
    }

    /// A one-line message: `mallctl "<control>": ` followed by the cause.
    public var description: String {
        switch reason {
        case .unknownControl:
            return "mallctl \"\(control)\": no such control"
        case .notAvailable:
            return "mallctl \"\(control)\": not available in this build or with the options this process started with"
        case .readOnly:
            return "mallctl \"\(control)\": the control is read-only"
        case .wrongSize(let requested, let actual):
            if let actual {
                return "mallctl \"\(control)\": value is \(actual) bytes, but \(requested) were requested"
            }
            return "mallctl \"\(control)\": value is not \(requested) bytes"
        case .invalidValue:
            return "mallctl \"\(control)\": the value written was refused (out of range, or not the control's type)"
        case .outOfMemory:
            return "mallctl \"\(control)\": jemalloc could not allocate memory for the operation"
        case .operationFailed:
            return "mallctl \"\(control)\": the operation failed"
        case .other(let code):
            return "mallctl \"\(control)\": failed with errno \(code) (\(String(cString: strerror(code))))"
        }
    }
}

