import Foundation
import Jemalloc
import MemstatKit
import Testing

@Suite("units, tables and report files")
struct RenderingTests {
    @Test("byte counts use binary units with at most three significant digits")
    func bytes() {
        #expect(Units.bytes(0) == "0 B")
        #expect(Units.bytes(1023) == "1023 B")
        #expect(Units.bytes(1024) == "1.0 KiB")
        #expect(Units.bytes(1536) == "1.5 KiB")
        #expect(Units.bytes(100 * 1024) == "100 KiB")
        #expect(Units.bytes(12_900_000) == "12.3 MiB")
        #expect(Units.bytes(3 << 30) == "3.0 GiB")
        #expect(Units.bytes(-2048) == "-2.0 KiB")
    }

    @Test("counts, percentages, fixed decimals, bars and seconds")
    func otherUnits() {
        #expect(Units.count(100_000) == "100,000")
        #expect(Units.count(999) == "999")
        #expect(Units.count(-1_234_567) == "-1,234,567")
        #expect(Units.percent(0.5) == "50.0%")
        #expect(Units.fixed(1.005, decimals: 2) == "1.01" || Units.fixed(1.005, decimals: 2) == "1.00")
        #expect(Units.fixed(2.25, decimals: 1) == "2.3")
        #expect(Units.fixed(0.05, decimals: 2) == "0.05")
        #expect(Units.bar(0.5, width: 10) == "[#####.....]")
        #expect(Units.bar(2, width: 4) == "[####]")
        #expect(Units.bar(-1, width: 4) == "[....]")
        #expect(Units.seconds(0.25) == "250 ms")
        #expect(Units.seconds(1.5) == "1.50 s")
    }

    @Test("tables align columns and drop trailing spaces")
    func table() {
        var table = TextTable([.init("name", .left), .init("n")])
        table.append(["a", "1"])
        table.append(["long name", "1000"])
        #expect(table.render() == "  name          n\n  a             1\n  long name  1000")
        var bare = TextTable([.init("", .left), .init("", .left)], showsHeader: false)
        bare.append(["x", ""])
        #expect(bare.render() == "  x")
    }

    @Test("a report file yields each complete report with its timestamp and skips a cut-off one")
    func reportFile() throws {
        let full = StatsDump.json()
        let totalsOnly = StatsDump.json(omitting: "gmdablxeh")
        let text = "\n@100\n\(totalsOnly)\n@250\n\(full)\n@300\n{\"jemalloc\":{\"stats\":{\"allo"
        let records = ReportFile.parse(text)
        #expect(records.map(\.timestamp) == [100, 250])
        #expect(records[0].document.jemalloc.statsArenas == nil)
        #expect(records[0].document.jemalloc.stats != nil)
        #expect(records[1].document.jemalloc.statsArenas != nil)
    }

    @Test("program lookup follows PATH like a shell")
    func resolve() throws {
        #expect(try ProgramRun.resolve("sh", path: "/nonexistent:/bin") == "/bin/sh")
        #expect(throws: ProgramRun.Failure.notFound("no-such-tool")) {
            try ProgramRun.resolve("no-such-tool", path: "/bin:/usr/bin")
        }
        #expect(throws: ProgramRun.Failure.notExecutable("/etc/passwd")) {
            try ProgramRun.resolve("/etc/passwd", path: nil)
        }
        #expect(ProgramRun.Failure.signaled(program: "x", signal: 9).exitStatus == 137)
        #expect(signalName(11) == "SIGSEGV")
    }

    @Test("every text report fits 80 columns")
    func eightyColumns() throws {
        let snapshot = try AllocatorSnapshot.current()
        let series = (0..<50).map { Report.SeriesPoint(elapsedSeconds: Double($0) / 10, allocated: $0 << 20,
                                                       active: $0 << 21, resident: $0 << 22) }
        let run = Report.run(snapshot, source: .init(process: .program, pid: 1, command: ["prog", String(repeating: "argument ", count: 20)], exitStatus: 0,
                                                     elapsedSeconds: 1.5), series: series)
        let reports = [Report.summary(snapshot, source: .currentProcess()),
                       Report.arenas(snapshot, source: .currentProcess()),
                       try Report.bins(snapshot, arena: nil, source: .currentProcess()),
                       Report.config(snapshot, source: .currentProcess()), run]
        for report in reports {
            let text = TextRenderer.render(report)
            let wide = text.split(separator: "\n").filter { $0.count > 80 }
            #expect(wide.isEmpty, "\(report.kind): \(wide)")
        }
        #expect(TextRenderer.render(run).contains("20 of 50 points"))
    }
}
