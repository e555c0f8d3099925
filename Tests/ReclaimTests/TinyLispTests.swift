import Foundation
import Testing
import TinyLisp

/// The example runtime (Examples/TinyLisp), written on Reclaim's public API
/// only: its scripts print what their lifetimes say.
@Suite("the example runtime, a tiny Lisp")
struct TinyLispTests {
    static let scripts = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/scripts")

    @Test("lifetimes.lisp: reference counting closes at once, the collector closes cycles, weak references see both")
    func lifetimes() throws {
        let source = try String(contentsOf: Self.scripts.appendingPathComponent("lifetimes.lisp"), encoding: .utf8)
        let interpreter = try Interpreter()
        let output = try interpreter.run(source)
        #expect(output == [
            "closing a", "a is gone",
            "x still open: x", "closing x", "collected 4", "weak reference now: nil",
            "ticks 3", "closure alive: true", "collected 4", "closure now: nil",
            "exiting",
        ])
        #expect(interpreter.finish() == ["closing kept"])
    }

    @Test("callbacks.lisp: closures as weak reference callbacks and finalize actions; a cycle through a callback is collected; classes made in a loop die")
    func callbacks() throws {
        let source = try String(contentsOf: Self.scripts.appendingPathComponent("callbacks.lisp"), encoding: .utf8)
        let interpreter = try Interpreter()
        let output = try interpreter.run(source)
        // The cycle: make's environment and its dict, the box and its dict,
        // the weak reference, the callback closure and its body list.
        #expect(output == [
            "callback: the box is gone, deref gives nil", "finalize: c", "collected 7", "churned",
        ])
        #expect(interpreter.heap.liveObjectCount(of: .classObject) == 1, "Box alone: the 50 Temp classes died")
        interpreter.finish()
    }

    @Test("recursion, del and errors in the language's terms")
    func language() throws {
        let interpreter = try Interpreter()
        let output = try interpreter.run("""
            (define fact (lambda (n) (if (< n 2) 1 (* n (fact (- n 1))))))
            (print (fact 10) (list 1 2 (+ 1 2)))
            (define gone 1) (del gone)
            """)
        #expect(output == ["3628800 (1 2 3)"])
        #expect(throws: Interpreter.Failure.self) { try interpreter.run("(print gone)") }
        #expect(throws: Interpreter.Failure.self) { try interpreter.run("(print (fact 1 2))") }
        #expect(throws: Interpreter.Failure.self) { try interpreter.run("(print (fact 1)") }
    }

    @Test("an interpreter's end runs the finalizers of objects still alive")
    func finishFinalizes() throws {
        let interpreter = try Interpreter()
        try interpreter.run("""
            (class File (lambda (self) (print "closing" (get self path))))
            (define log (new File)) (set log path "log.txt")
            """)
        #expect(interpreter.finish() == ["closing log.txt"])
        #expect(interpreter.heap.isDestroyed)
    }
}
