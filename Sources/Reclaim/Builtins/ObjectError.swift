/// Errors of object operations, after Python's exceptions.
public enum ObjectError: Error, Equatable, CustomStringConvertible {
    /// The operation does not apply to the object's type (`TypeError`).
    case typeError(String)
    /// An index out of range (`IndexError`).
    case indexError(String)
    /// A missing dict key or set member (`KeyError`).
    case keyError(String)
    /// A missing or unknown attribute (`AttributeError`).
    case attributeError(String)
    /// A container changed while it was being iterated (`RuntimeError`).
    case runtimeError(String)
    /// A value not in a container that should hold it (`ValueError`).
    case valueError(String)
    /// A weak proxy used after its referent died (`ReferenceError`).
    case referenceError(String)
    /// No memory for what the operation makes (`MemoryError`): a list's
    /// storage, a weak reference object.
    case memoryError(ObjectAllocationError)

    /// As Python prints the exception: `TypeError: …`.
    public var description: String {
        switch self {
        case .typeError(let message): return "TypeError: \(message)"
        case .indexError(let message): return "IndexError: \(message)"
        case .keyError(let message): return "KeyError: \(message)"
        case .attributeError(let message): return "AttributeError: \(message)"
        case .runtimeError(let message): return "RuntimeError: \(message)"
        case .valueError(let message): return "ValueError: \(message)"
        case .referenceError(let message): return "ReferenceError: \(message)"
        case .memoryError(let error): return "MemoryError: \(error)"
        }
    }
}
