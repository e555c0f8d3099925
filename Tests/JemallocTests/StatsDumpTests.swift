import Foundation
import Jemalloc
import ReclaimJSON
import Testing

@Suite("statistics dump and snapshots")
struct StatsDumpTests {
    @Test("the text report is captured through the write callback")
    func textReport() {
        let text = StatsDump.text()
        #expect(text.contains("Begin jemalloc statistics"))
        #expect(text.contains("End jemalloc statistics"))
    }

    @Test("the JSON report decodes and its totals equal the direct reads taken right after")
    func jsonAgreesWithDirectReads() throws {
        // Another test thread advancing the epoch between the report and the
        // reads would make them differ legitimately: retry until exactly one
        // advance (the report's own) happened in between.
        for _ in 0..<50 {
            let epochBefore = try Epoch.current()
            let document = try StatsDump.capture()
            let direct = try GlobalStats.read(refresh: false)
            guard try Epoch.current() == epochBefore + 1 else { continue }
            let totals = try #require(document.jemalloc.stats)
            #expect(totals.allocated == direct.allocated)
            #expect(totals.active == direct.active)
            #expect(totals.metadata == direct.metadata)
            #expect(totals.resident == direct.resident)
            #expect(totals.mapped == direct.mapped)
            #expect(totals.retained == direct.retained)
            #expect(document.jemalloc.version == (try BuildConfiguration.version()))
            #expect(document.jemalloc.arenas?.bin?.count == (try AllocatorInfo.binCount()))
            return
        }
        Issue.record("the epoch kept moving during every attempt")
    }

    @Test("a snapshot from the JSON report equals one from direct reads for a quiet arena")
    func snapshotFromDocumentMatchesDirect() throws {
        let dedicated = try DedicatedArena()
        let blocks = try (0..<100).map { _ in try Allocator.allocate(byteCount: 500, options: dedicated.options) }
        let large = try Allocator.allocate(byteCount: 300_000, options: dedicated.options)
        try dedicated.cache.flush()
        let fromDocument = try AllocatorSnapshot(document: StatsDump.capture())
        let direct = try AllocatorSnapshot.current()
        let index = dedicated.arena.index
        let a = try #require(fromDocument.arenas.first { $0.stats.index == index })
        let b = try #require(direct.arenas.first { $0.stats.index == index })
        #expect(a.stats.small == b.stats.small)
        #expect(a.stats.large.allocated == b.stats.large.allocated)
        #expect(a.stats.pactive == b.stats.pactive)
        #expect(a.bins == b.bins)
        #expect(a.largeExtents == b.largeExtents)
        #expect(fromDocument.settings == direct.settings.sorted { $0.name < $1.name })
        #expect(fromDocument.page == direct.page)
        for block in blocks { Allocator.deallocate(block, byteCount: 500, options: dedicated.options) }
        Allocator.deallocate(large, byteCount: 300_000, options: dedicated.options)
    }

    @Test("concatenated reports split into documents; braces inside strings do not count")
    func splitConcatenated() throws {
        let one = StatsDump.json()
        let documents = try StatsDump.decodeAll(one + "\n" + one)
        #expect(documents.count == 2)
        let tricky = try StatsDump.decodeAll("{\"jemalloc\": {\"version\": \"}{\\\"\"}}")
        #expect(tricky.map(\.jemalloc.version) == ["}{\""])
        #expect(throws: (any Error).self) { try StatsDump.decodeAll("{\"not\": 1}") }
    }

    @Test("a report without per-arena figures cannot make a snapshot")
    func incompleteReport() throws {
        let document = try JSONDecoder().decode(StatsDocument.self, from: Data(StatsDump.json(omitting: "a").utf8))
        var withoutArenas = document
        withoutArenas.jemalloc.statsArenas = nil
        #expect(throws: IncompleteReport(section: "stats.arenas")) { try AllocatorSnapshot(document: withoutArenas) }
    }

    @Test("build configuration and options read through their typed accessors")
    func configuration() throws {
        let settings = try BuildConfiguration.settings()
        #expect(settings.contains(Setting(name: "stats", value: .bool(true))))
        #expect(settings.contains(Setting(name: "prof", value: .bool(true))))
        let options = try BuildConfiguration.options()
        #expect(options.contains(Setting(name: "tcache", value: .bool(true))))
        #expect(options.contains { $0.name == "narenas" })
        #expect(try AllocatorInfo.page() >= 4096)
        #expect(try AllocatorInfo.binClasses().map(\.size) == (try AllocatorInfo.binClasses().map(\.size)).sorted())
    }
}
