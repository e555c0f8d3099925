import Foundation
import Jemalloc
import MemstatKit
import Testing

func decodeReport(_ text: String) throws -> Report {
    try JSONDecoder().decode(Report.self, from: Data(text.utf8))
}

@Suite("memstat reports on its own process")
struct MemstatReportCommandTests {
    @Test("summary --json is the documented schema with totals, arenas and the top bins",
          .enabled(if: SharedLibrary.isProcessMalloc, "memstat's own allocations go to a sanitizer's malloc, so its bins are empty"))
    func summaryJSON() throws {
        let result = try MemstatBinary.run(["summary", "--json"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let report = try decodeReport(result.stdout)
        #expect(report.schema == "reclaim.memstat/1")
        #expect(report.kind == .summary)
        #expect(report.source.process == .self)
        guard case .summary(let summary) = report.content else {
            Issue.record("a \(report.kind) report, not a summary")
            return
        }
        let totals = summary.totals
        #expect(totals.allocated > 0 && totals.active >= totals.allocated && totals.mapped >= totals.active)
        #expect(summary.ratios.activeToAllocated == Double(totals.active) / Double(totals.allocated))
        let arenas = summary.arenas
        #expect(!arenas.isEmpty && arenas.allSatisfy { $0.stats.index != nil })
        let bins = summary.bins
        #expect(bins.count <= Report.summaryBinCount && !bins.isEmpty)
        #expect(bins.map(\.allocatedBytes) == bins.map(\.allocatedBytes).sorted(by: >))
        #expect(bins.allSatisfy { $0.allocatedBytes == $0.stats.counters.curregs * $0.stats.geometry.size })
    }

    @Test("plain memstat prints the summary as text within 80 columns")
    func summaryText() throws {
        let result = try MemstatBinary.run([])
        #expect(result.status == 0)
        for heading in ["Totals", "Fragmentation", "Arenas", "Size classes holding the most bytes"] {
            #expect(result.stdout.contains(heading))
        }
        let wide = result.stdout.split(separator: "\n").filter { $0.count > 80 }
        #expect(wide.isEmpty, "lines over 80 columns: \(wide)")
    }

    @Test("arenas lists all arenas merged first, then each arena")
    func arenas() throws {
        let result = try MemstatBinary.run(["arenas", "--json"])
        #expect(result.status == 0)
        let report = try decodeReport(result.stdout)
        guard case .arenas(_, let arenas) = report.content else {
            Issue.record("a \(report.kind) report, not arenas")
            return
        }
        #expect(arenas.first?.stats.index == nil)
        #expect(arenas.count >= 2)
        let merged = arenas[0], each = arenas.dropFirst()
        #expect(merged.stats.small.nmalloc == each.reduce(0) { $0 + $1.stats.small.nmalloc })
        let text = try MemstatBinary.run(["arenas"])
        #expect(text.stdout.contains("all"))
    }

    @Test("bins --arena 0 lists every size class of that arena; a missing arena is a usage error")
    func bins() throws {
        let result = try MemstatBinary.run(["bins", "--arena", "0", "--json"])
        #expect(result.status == 0)
        let report = try decodeReport(result.stdout)
        guard case .bins(let bins, _) = report.content else {
            Issue.record("a \(report.kind) report, not bins")
            return
        }
        #expect(bins.count == (try AllocatorInfo.binCount()))
        #expect(bins.allSatisfy { $0.arena == 0 })
        #expect(bins.map(\.stats.geometry.size) == (try AllocatorInfo.binClasses().map(\.size)))

        let missing = try MemstatBinary.run(["bins", "--arena", "999"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no arena 999"))
        #expect(missing.stdout.isEmpty)
    }

    @Test("config shows the version, build settings and options")
    func config() throws {
        let result = try MemstatBinary.run(["config", "--json"])
        #expect(result.status == 0)
        let report = try decodeReport(result.stdout)
        #expect(report.allocator.version.hasPrefix("5.3"))
        guard case .config(let settings, let options) = report.content else {
            Issue.record("a \(report.kind) report, not config")
            return
        }
        #expect(settings.contains(Setting(name: "stats", value: .bool(true))))
        #expect(options.contains { $0.name == "narenas" })
        let text = try MemstatBinary.run(["config"])
        #expect(text.stdout.contains("Options in force"))
    }

    @Test("bad arguments print usage on stderr and exit 2", arguments: [
        ["--bogus"], ["frobnicate"], ["bins", "--arena", "x"], ["run"], ["run", "--interval", "0", "--", "/bin/true"],
        ["demo", "extra"], ["demo", "--bogus"], ["diff"], ["top"],
    ])
    func badArguments(arguments: [String]) throws {
        let result = try MemstatBinary.run(arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Error:"))
    }
}

@Suite("memstat run", .enabled(if: SharedLibrary.isProcessMalloc, "memstat run preloads Reclaim's preload library, instrumented under a sanitizer, into programs without its runtime"))
struct MemstatRunTests {
    @Test("run -- /bin/true reports the program's allocator and exits 0")
    func runTrue() throws {
        let result = try MemstatBinary.run(["run", "--json", "--", "/bin/true"])
        #expect(result.status == 0)
        let report = try decodeReport(result.stdout)
        #expect(report.kind == .run)
        #expect(report.source.process == .program)
        #expect(report.source.command == ["/bin/true"])
        #expect(report.source.exitStatus == 0)
        #expect(report.source.pid != ProcessInfo.processInfo.processIdentifier)
        guard case .run(let summary, let series) = report.content else {
            Issue.record("a \(report.kind) report, not run")
            return
        }
        #expect(summary.totals.allocated > 0)
        #expect(series == nil)
    }

    @Test("the program's stdout and stderr pass through and its exit status becomes memstat's")
    func passThrough() throws {
        // perl ends through exit(3), which runs jemalloc's exit report; dash's
        // `exit` builtin would end through _exit and leave no report.
        let result = try MemstatBinary.run(["run", "--json", "--", "perl", "-e",
                                            "print qq(out\\n); print STDERR qq(err\\n); exit 3"])
        #expect(result.status == 3)
        #expect(result.stderr == "err\n")
        #expect(result.stdout.hasPrefix("out\n"))
        let report = try decodeReport(String(result.stdout.dropFirst(4)))
        #expect(report.source.exitStatus == 3)
    }

    @Test("a program that cannot be found exits 127 with one line")
    func notFound() throws {
        let result = try MemstatBinary.run(["run", "--", "no-such-program-\(UUID().uuidString)"])
        #expect(result.status == 127)
        #expect(result.stderr.hasSuffix("command not found\n"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        let path = try MemstatBinary.run(["run", "--", "/no/such/path"])
        #expect(path.status == 127)
    }

    @Test("a file that is not executable exits 126")
    func notExecutable() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("memstat-noexec-\(UUID().uuidString)")
        try "echo hi\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try MemstatBinary.run(["run", "--", file.path])
        #expect(result.status == 126)
        #expect(result.stderr.contains("permission denied"))
        let directory = try MemstatBinary.run(["run", "--", "/tmp"])
        #expect(directory.status == 126)
    }

    @Test("a program killed by a signal is named and memstat exits 128+N")
    func killedBySignal() throws {
        let result = try MemstatBinary.run(["run", "--", "sh", "-c", "kill -TERM $$"])
        #expect(result.status == 128 + 15)
        #expect(result.stderr.contains("SIGTERM"))
        #expect(result.stdout.isEmpty)
    }

    @Test("a program that ends through _exit gets a message, not a report of zeros")
    func noReport() throws {
        let result = try MemstatBinary.run(["run", "--json", "--", "perl", "-MPOSIX", "-e", "POSIX::_exit(4)"])
        #expect(result.status == 4)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("no jemalloc statistics arrived"))
        #expect(result.stderr.contains("_exit"))
    }

    @Test("--interval adds a time series of the program's totals")
    func interval() throws {
        let script = "my @a; push @a, 'x' x 1000 for 1..20000; print scalar(@a), qq(\\n);"
        let result = try MemstatBinary.run(["run", "--json", "--interval", "256K", "--", "perl", "-e", script])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("20000\n"))
        let report = try decodeReport(String(result.stdout.dropFirst(6)))
        guard case .run(_, let series?) = report.content else {
            Issue.record("a \(report.kind) report without a series")
            return
        }
        #expect(series.count >= 20, "20 MB allocated at 256 KiB per report")
        #expect(series.map(\.elapsedSeconds) == series.map(\.elapsedSeconds).sorted())
        #expect(series.map(\.allocated).max()! >= 20_000_000)
        #expect(series.allSatisfy { $0.active >= $0.allocated })
        let text = try MemstatBinary.run(["run", "--interval", "1M", "--", "perl", "-e", script])
        #expect(text.stdout.contains("Over the run"))
    }
}
