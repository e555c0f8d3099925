/// A callable heap object, and the arguments of a call fixed in advance,
/// held from Swift until the call is let go: what a `weakref.finalize`
/// with a callable keeps, and a collection callback made from one.
final class HeldCall {
    private let function: Ref
    private let arguments: RefArray

    init(function: consuming Ref, arguments: consuming RefArray = RefArray()) {
        self.function = function
        self.arguments = arguments
    }

    /// The function's heap.
    var heap: Heap { function.heap }

    /// Calls the function with the fixed arguments; the result is dropped.
    func run() throws {
        _ = try function.call(arguments)
    }

    /// Calls the function with `arguments` in place of the fixed ones.
    func run(with arguments: consuming RefArray) throws {
        _ = try function.call(arguments)
    }
}
