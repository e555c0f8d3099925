/// A callable heap object and its arguments, held from Swift until the
/// call is let go: what a `weakref.finalize` with a callable keeps.
final class HeldCall {
    private let function: Ref
    private let arguments: RefArray

    init(function: consuming Ref, arguments: consuming RefArray) {
        self.function = function
        self.arguments = arguments
    }

    /// Calls the function with the arguments; the result is dropped.
    func run() throws {
        _ = try function.call(arguments)
    }
}
