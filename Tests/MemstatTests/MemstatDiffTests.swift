import Foundation
import Jemalloc
import MemstatKit
import Reclaim
import ReclaimJSON
import Testing

@Suite("memstat diff")
struct MemstatDiffTests {
    /// A scratch directory removed when the test ends.
    final class Scratch {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("memstat-diff-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: url) }

        func write(_ data: Data, _ name: String) throws -> String {
            let file = url.appendingPathComponent(name)
            try data.write(to: file)
            return file.path
        }
    }

    @Test("two heap snapshots: the type that grew is listed first with its deltas")
    func heapSnapshots() throws {
        let scratch = try Scratch()
        let heap = try Heap()
        let node = ObjectType.makeClass("DiffNode", attributes: ["next"])
        let before = try scratch.write(try heap.introspection.snapshot(label: "before").encoded(), "before.json")
        let keep = try heap.list()
        for _ in 0..<50 { try keep.append(try heap.instance(of: node)) }
        let newer = try heap.introspection.snapshot(label: "after")
        let after = try scratch.write(try newer.encoded(), "after.json")

        let result = try MemstatBinary.run(["diff", "--json", before, after])
        #expect(result.status == 0)
        let report = try decodeReport(result.stdout)
        #expect(report.kind == .diff)
        #expect(report.source.files == [before, after])
        guard case .diff(.heapSnapshots(let diff)) = report.content else {
            Issue.record("a \(report.kind) report without a heap diff")
            return
        }
        #expect(diff.olderLabel == "before" && diff.newerLabel == "after")
        let first = try #require(diff.types.first)
        #expect(first.typeName == "DiffNode" && first.countDelta == 50 && first.count == 50)
        #expect(first.bytesDelta == newer.statistics(of: "DiffNode")?.bytes)
        #expect(diff.liveObjects.delta == 51)

        let text = try MemstatBinary.run(["diff", before, after])
        #expect(text.status == 0)
        let row = try #require(text.stdout.split(separator: "\n").first { $0.contains("DiffNode") })
        #expect(row.contains("+50"))
        #expect(text.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test("two allocator reports: totals, arenas and the size classes both list",
          .enabled(if: SharedLibrary.isProcessMalloc, "memstat run preloads Reclaim's preload library, instrumented under a sanitizer, into programs without its runtime"))
    func allocatorReports() throws {
        let scratch = try Scratch()
        let summary = try MemstatBinary.run(["summary", "--json"])
        let run = try MemstatBinary.run(["run", "--json", "--", "perl", "-e", "@a = map { 'x' x 1000 } 1..2000"])
        #expect(summary.status == 0 && run.status == 0)
        let older = try scratch.write(Data(summary.stdout.utf8), "summary.json")
        let newer = try scratch.write(Data(run.stdout.utf8), "run.json")
        let result = try MemstatBinary.run(["diff", "--json", older, newer])
        #expect(result.status == 0)
        let diffReport = try decodeReport(result.stdout)
        let olderReport = try decodeReport(summary.stdout), newerReport = try decodeReport(run.stdout)
        guard case .diff(.allocatorReports(let diff)) = diffReport.content,
              case .summary(let olderSummary) = olderReport.content,
              case .run(let newerSummary, _) = newerReport.content else {
            Issue.record("reports of kinds \(diffReport.kind), \(olderReport.kind), \(newerReport.kind)")
            return
        }
        let before = olderSummary.totals, after = newerSummary.totals
        #expect(diff.allocated.before == before.allocated && diff.allocated.after == after.allocated)
        #expect(diff.resident.delta == after.resident - before.resident)
        #expect(!diff.arenas.isEmpty)
        #expect(diff.bins.map { abs($0.allocatedBytes.delta) } == diff.bins.map { abs($0.allocatedBytes.delta) }.sorted(by: >))
    }

    @Test("a heap snapshot and an allocator report cannot be compared: exit 1 with the reason")
    func mismatchedKinds() throws {
        let scratch = try Scratch()
        let heap = try Heap()
        let snapshot = try scratch.write(try heap.introspection.snapshot().encoded(), "snapshot.json")
        let report = try scratch.write(Data(try MemstatBinary.run(["summary", "--json"]).stdout.utf8), "report.json")
        let result = try MemstatBinary.run(["diff", snapshot, report])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("cannot compare a heap snapshot with a memstat report"))
    }

    @Test("unrecognised documents exit 1 naming the file; a missing file is a usage error")
    func badInput() throws {
        let scratch = try Scratch()
        let heap = try Heap()
        let good = try scratch.write(try heap.introspection.snapshot().encoded(), "good.json")
        let notJSON = try scratch.write(Data("hello".utf8), "hello.txt")
        let foreign = try scratch.write(Data(#"{"schema": "something/9"}"#.utf8), "foreign.json")
        let broken = try scratch.write(Data(#"{"schema": "reclaim.heap-snapshot/1", "types": 3}"#.utf8), "broken.json")
        for (file, reason) in [(notJSON, "not a JSON object"), (foreign, "schema is 'something/9'"),
                               (broken, "does not follow its schema")] {
            let result = try MemstatBinary.run(["diff", good, file])
            #expect(result.status == 1)
            #expect(result.stderr.contains("\(file): \(reason)"), "\(result.stderr)")
        }
        let missing = try MemstatBinary.run(["diff", good, scratch.url.appendingPathComponent("nope.json").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read"))
        #expect(try MemstatBinary.run(["diff", good]).status == 2)
    }
}
