import Foundation
import MemstatKit
import Testing

@Suite("memstat demo")
struct MemstatDemoTests {
    @Test("demo --json tells the articles' scenarios with figures at each stage, and ends each step where it began")
    func demoJSON() throws {
        let result = try MemstatBinary.run(["demo", "--json"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let report = try decodeReport(result.stdout)
        #expect(report.kind == .demo)
        guard case .demo(let demo) = report.content else {
            Issue.record("a \(report.kind) report, not demo")
            return
        }
        #expect(demo.steps.count == 6)
        for step in demo.steps {
            #expect(step.checkpoints.first == "start")
            for figure in step.figures {
                #expect(figure.values.count == step.checkpoints.count)
            }
            // Every step frees what it made: live objects and arena bytes end where they began.
            let live = try #require(step.figures.first { $0.name == "live objects" })
            #expect(live.values.first == live.values.last, "\(step.title)")
            let arena = try #require(step.figures.first { $0.name == "arena allocated" })
            #expect(arena.values.first == arena.values.last, "\(step.title)")
            #expect(live.values.first == demo.immortalObjects)
        }
        // The shared reference: Bob dies at his del, Alice only at person3's.
        let shared = demo.steps[1].transcript
        #expect(shared.firstIndex(of: "Bob object is being deleted.")! > shared.firstIndex(of: ">>> del person2")!)
        #expect(shared.last == "Alice object is being deleted.")
        // The cycle: nothing printed on del; collect() runs both finalizers and returns 2.
        let cycle = demo.steps[2].transcript
        let collect = try #require(cycle.firstIndex(of: ">>> gc.collect()"))
        #expect(Array(cycle[(collect + 1)...]) == ["obj1 is being deleted", "obj2 is being deleted", "2"])
        #expect(!cycle[..<collect].contains { $0.hasSuffix("deleted") })
        // The disabled collector: 2000 objects pile up, one automatic collection frees them.
        let pile = demo.steps[3]
        let tracked = try #require(pile.figures.first { $0.name == "tracked containers" })
        #expect(tracked.values[pile.checkpoints.firstIndex(of: "piled up")!] == 2000)
        #expect(pile.transcript.contains("(2000, 0, 0)"))
        let collected = try #require(pile.figures.first { $0.name == "collected by the gc" })
        #expect(collected.values.last! - collected.values.first! == 2000)
    }

    @Test("demo prints a lesson within 80 columns")
    func demoText() throws {
        let result = try MemstatBinary.run(["demo"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("1. Reference counting frees an object at its last reference"))
        #expect(result.stdout.contains(">>> gc.collect()"))
        let wide = result.stdout.split(separator: "\n").filter { $0.count > 80 }
        #expect(wide.isEmpty, "lines over 80 columns: \(wide)")
    }
}
