import Foundation
import MemstatKit
import Testing

@Suite("memstat stress")
struct MemstatStressTests {
    @Test("a run on two heaps collects cyclic garbage, runs finalizers, and ends with every arena at its baseline")
    func cleanRun() throws {
        let result = try MemstatBinary.run(["stress", "--heaps", "2", "--operations", "20000", "--objects", "2000",
                                            "--json", "--quiet"])
        #expect(result.status == 0)
        let report = try decodeReport(result.stdout)
        guard case .stress(let stress) = report.content else {
            Issue.record("a \(report.kind) report, not stress")
            return
        }
        #expect(!stress.leaked)
        #expect(stress.heaps.count == 2)
        #expect(Set(stress.heaps.map(\.arena)).count == 2)
        for heap in stress.heaps {
            #expect(heap.operations == 20000)
            #expect(heap.collections[0] > 0)
            // About 20% of 20,000 operations dropped a ring of 2 to 5 objects.
            #expect(heap.collected >= 3000)
            #expect(heap.finalizersRun > 0)
            #expect(heap.pauseP50 <= heap.pauseP99 && heap.pauseP99 <= heap.pauseMax)
            #expect(heap.finalBytes == heap.baselineBytes && heap.leakedObjects == 0)
            #expect(heap.peakLiveBytes > heap.baselineBytes)
        }
        #expect(stress.peakResident > 0)
    }

    @Test("objects kept on purpose are reported as a leak, with exit status 1")
    func detectsLeaks() throws {
        let result = try MemstatBinary.run(["stress", "--heaps", "1", "--operations", "5000", "--objects", "500",
                                            "--deliberate-leaks", "5", "--quiet"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("LEAK"))
        let json = try MemstatBinary.run(["stress", "--heaps", "1", "--operations", "5000", "--objects", "500",
                                          "--deliberate-leaks", "5", "--quiet", "--json"])
        let report = try decodeReport(json.stdout)
        guard case .stress(let stress) = report.content else {
            Issue.record("a \(report.kind) report, not stress")
            return
        }
        let heap = try #require(stress.heaps.first)
        // Five live-set objects kept, with whatever they still refer to.
        #expect(heap.leakedObjects >= 5)
        #expect(heap.leakedBytes > 0)
    }

    @Test("the summary reads within 80 columns; progress lines go to stderr")
    func text() throws {
        let result = try MemstatBinary.run(["stress", "--heaps", "1", "--duration", "1.5", "--objects", "1000"])
        #expect(result.status == 0)
        for heading in ["Workload", "Throughput", "Collection pauses and memory", "No leak"] {
            #expect(result.stdout.contains(heading))
        }
        #expect(result.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(result.stderr.contains("memstat stress: ["))
    }

    @Test("bad arguments print usage and exit 2", arguments: [
        ["--heaps", "0"], ["--heaps", "65"], ["--cyclic", "1.5"], ["--finalizers", "-0.1"], ["--objects", "0"],
        ["--operations", "10", "--duration", "1"], ["--duration", "0"], ["--cyclic", "0.8", "--weakrefs", "0.5"],
    ])
    func badArguments(arguments: [String]) throws {
        let result = try MemstatBinary.run(["stress"] + arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Error:"))
    }

    @Test("the library says what is wrong with a configuration in its own terms; memstat names its flags")
    func configurationErrors() throws {
        var configuration = Stress.Configuration()
        configuration.heaps = 0
        #expect(configuration.problem == .heaps(0))
        #expect(configuration.problem?.description == "heaps must be 1…64, got 0")
        configuration.heaps = 2
        configuration.weakReferenceShare = 1.5
        #expect(configuration.problem == .share(.weakReferences, 1.5))
        #expect(configuration.problem.map { !String(describing: $0).contains("--") } == true)
        configuration.weakReferenceShare = 0.05
        #expect(configuration.problem == nil)
        let cli = try MemstatBinary.run(["stress", "--heaps", "0"])
        #expect(cli.stderr.contains("--heaps wants 1 to 64 heaps, not 0"), "\(cli.stderr)")
    }
}
