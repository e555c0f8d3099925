/// An error a finalizer threw, handed to ``Heap/unraisableHook``.
public struct UnraisableError: Error, CustomStringConvertible {
    /// What was thrown.
    public var error: any Error
    /// Where: for example `finalizer of Person object`.
    public var context: String

    /// Wraps `error`, thrown in `context`.
    public init(error: any Error, context: String) {
        self.error = error
        self.context = context
    }

    /// As CPython prints it: `Exception ignored in: <context>`, then the error on the next line.
    public var description: String { "Exception ignored in: \(context)\n\(error)" }

    /// The default hook: the error on stderr, as CPython prints it.
    public static func printToStandardError(_ unraisable: UnraisableError) {
        var standardError = StandardError()
        print(unraisable.description, to: &standardError)
    }
}
