/// A program of the differential tests' small object language: it exists
/// both as Python source, which python3 runs, and as operations on a
/// Reclaim heap (`ProgramRun`), and both print the same lines — or Reclaim
/// has a bug, or the difference is documented.
///
/// The language has three classes with attribute slots `name`, `a`, `b`:
/// `Plain`, `Loud` (its finalizer prints `del NAME`) and `Phoenix` (its
/// finalizer prints `del NAME` and resurrects the object into the global
/// list `saved`); object variables `v0`…, lists `L0`…, dicts `D0`…, tuples
/// `T0`… and weak references `w0`…, whose callbacks may hold an object
/// (a lambda's default argument in Python, a capture of a `function` on
/// Reclaim). Every statement names the variables it
/// uses and does nothing when one is unbound, so that any statement can be
/// dropped when a failing program is shrunk.
public struct Program: Sendable, CustomStringConvertible {
    /// A class of the language.
    public enum Class: String, Sendable, CaseIterable { case plain = "Plain", loud = "Loud", phoenix = "Phoenix" }
    /// An attribute slot that links objects.
    public enum Attribute: String, Sendable, CaseIterable { case a, b }

    /// One statement.
    public enum Statement: Sendable, Equatable {
        case new(variable: Int, of: Class, name: String)
        case link(target: Int, attribute: Attribute, source: Int)
        case unlink(target: Int, attribute: Attribute)
        case bind(target: Int, source: Int)
        case delete(variable: Int)
        case newList(list: Int)
        case append(list: Int, source: Int)
        case pop(list: Int)
        case deleteList(list: Int)
        case newDict(dict: Int)
        case setItem(dict: Int, key: Int, source: Int)
        case deleteItem(dict: Int, key: Int)
        case newTuple(tuple: Int, first: Int, second: Int)
        case deleteTuple(tuple: Int)
        case weakReference(reference: Int, target: Int, callback: Bool)
        /// A weak reference whose callback holds another object and prints its name.
        case weakReferenceHolding(reference: Int, target: Int, holder: Int)
        case deleteWeakReference(reference: Int)
        case checkWeakReference(reference: Int)
        case finalize(target: Int, label: String)
        case collect(generation: Int?)
        case isTracked(variable: Int)
        case isFinalized(variable: Int)
        case referenceCount(variable: Int)
        case releaseSaved
    }

    /// The program's statements, in order.
    public var statements: [Statement]

    /// A program of `statements`.
    public init(statements: [Statement]) { self.statements = statements }

    /// The line both sides print after the final collection; what python3
    /// prints after it (module teardown) is not compared.
    public static let endMarker = "--- end"
    /// The line both sides print before each collection, so that what the
    /// collection's finalizers and callbacks print can be told apart.
    public static let collectionMarker = "gc"

    /// The Python source.
    public var python: String {
        var lines = [
            "import gc, sys, weakref",
            "gc.disable()",
            "saved = []",
            "def bound(*names): return all(n in globals() for n in names)",
            "class Plain:",
            "    __slots__ = ('name', 'a', 'b', '__weakref__')",
            "    def __init__(self, name): self.name = name",
            "class Loud(Plain):",
            "    __slots__ = ()",
            "    def __del__(self): print('del', self.name)",
            "class Phoenix(Plain):",
            "    __slots__ = ()",
            "    def __del__(self):",
            "        print('del', self.name)",
            "        saved.append(self)",
        ]
        lines += statements.map(Program.python)
        lines += ["print('\(Program.collectionMarker)'); print('collect', gc.collect())", "print('\(Program.endMarker)')"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The program as Python source, for people.
    public var description: String { python }

    static func guarded(_ names: [String], _ statement: String) -> String {
        "if bound(\(names.map { "'\($0)'" }.joined(separator: ", "))): \(statement)"
    }

    static func python(_ statement: Statement) -> String {
        switch statement {
        case let .new(variable, type, name):
            return "v\(variable) = \(type.rawValue)('\(name)')"
        case let .link(target, attribute, source):
            return guarded(["v\(target)", "v\(source)"], "v\(target).\(attribute.rawValue) = v\(source)")
        case let .unlink(target, attribute):
            return guarded(["v\(target)"], "v\(target).\(attribute.rawValue) = None")
        case let .bind(target, source):
            return guarded(["v\(source)"], "v\(target) = v\(source)")
        case let .delete(variable):
            return guarded(["v\(variable)"], "del v\(variable)")
        case let .newList(list):
            return "L\(list) = []"
        case let .append(list, source):
            return guarded(["L\(list)", "v\(source)"], "L\(list).append(v\(source))")
        case let .pop(list):
            return guarded(["L\(list)"], "L\(list).pop() if L\(list) else None")
        case let .deleteList(list):
            return guarded(["L\(list)"], "del L\(list)")
        case let .newDict(dict):
            return "D\(dict) = {}"
        case let .setItem(dict, key, source):
            return guarded(["D\(dict)", "v\(source)"], "D\(dict)['k\(key)'] = v\(source)")
        case let .deleteItem(dict, key):
            return guarded(["D\(dict)"], "D\(dict).pop('k\(key)', None)")
        case let .newTuple(tuple, first, second):
            return guarded(["v\(first)", "v\(second)"], "T\(tuple) = (v\(first), v\(second))")
        case let .deleteTuple(tuple):
            return guarded(["T\(tuple)"], "del T\(tuple)")
        case let .weakReference(reference, target, callback):
            let call = callback ? ", lambda r: print('callback w\(reference)')" : ""
            return guarded(["v\(target)"], "w\(reference) = weakref.ref(v\(target)\(call))")
        case let .weakReferenceHolding(reference, target, holder):
            return guarded(["v\(target)", "v\(holder)"],
                           "w\(reference) = weakref.ref(v\(target), lambda r, o=v\(holder): print('callback w\(reference)', o.name))")
        case let .deleteWeakReference(reference):
            return guarded(["w\(reference)"], "del w\(reference)")
        case let .checkWeakReference(reference):
            return guarded(["w\(reference)"], "print('alive w\(reference)', w\(reference)() is not None)")
        case let .finalize(target, label):
            return guarded(["v\(target)"], "weakref.finalize(v\(target), print, 'finalize \(label)')")
        case let .collect(generation):
            let call = generation.map { "print('collect\($0)', gc.collect(\($0)))" } ?? "print('collect', gc.collect())"
            return "print('\(collectionMarker)'); " + call
        case let .isTracked(variable):
            return guarded(["v\(variable)"], "print('tracked v\(variable)', gc.is_tracked(v\(variable)))")
        case let .isFinalized(variable):
            return guarded(["v\(variable)"], "print('finalized v\(variable)', gc.is_finalized(v\(variable)))")
        case let .referenceCount(variable):
            return guarded(["v\(variable)"], "print('refs v\(variable)', sys.getrefcount(v\(variable)) - 1)")
        case .releaseSaved:
            return "saved.clear()"
        }
    }
}
