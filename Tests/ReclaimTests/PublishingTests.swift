import Foundation
import Reclaim
import Testing

@Suite("published statistics")
struct PublishingTests {
    @Test("a heap's figures after a collection read back from the segment exactly")
    func roundTrip() throws {
        // The default interval: a faster timer would advance the epoch often enough
        // to disturb the tests that compare a stats dump with direct reads.
        try StatisticsPublisher.start()
        #expect(StatisticsPublisher.isPublishing)
        let heap = try Heap()
        let keep = try heap.list()
        for _ in 0..<10 {
            let cycle = try heap.list()
            try cycle.append(cycle)
        }
        for index in 0..<100 { try keep.append(try heap.str("kept \(index)")) }
        let found = try heap.collector.collect(generation: 1)
        #expect(found == 10)

        let published = try PublishedStatistics.read(pid: getpid())
        #expect(published.pid == getpid())
        let figures = try #require(published.heaps.first { $0.arena == heap.arena.index })
        #expect(figures.collections == heap.collector.statistics.map(\.collections))
        #expect(figures.collected == heap.collector.statistics.map(\.collected))
        #expect(figures.liveObjects == heap.liveObjectCount)
        #expect(figures.liveBytes == heap.tracedMemory.current)
        #expect(figures.peakBytes == heap.tracedMemory.peak)
        #expect(try figures.trackedObjects[2] == heap.collector.objects(generation: 2).count)
        #expect(figures.lastGeneration == 1)
        #expect(figures.lastPauseSeconds > 0 && figures.totalPauseSeconds >= figures.lastPauseSeconds)
    }

    @Test("an incremental heap publishes its mode, increments, passes, progress and longest pause")
    func incrementalFigures() throws {
        try StatisticsPublisher.start()
        let heap = try Heap()
        heap.collector.isEnabled = false
        heap.collector.mode = .incremental
        heap.collector.pacing.pauseBudget = 0   // each step examines the minimum
        heap.collector.pacing.minimumCandidates = 16
        let keep = try heap.list()
        for _ in 0..<500 { try keep.append(heap.list()) }
        heap.collector.collect()
        for _ in 0..<5 { heap.collector.step() }
        let figures = try #require(try PublishedStatistics.read(pid: getpid()).heaps.first { $0.arena == heap.arena.index })
        let progress = heap.collector.incrementalProgress
        #expect(figures.mode == .incremental)
        #expect(figures.increments == progress.increments && figures.increments == 5)
        #expect(figures.passes == progress.passes)
        #expect(figures.passVisited == progress.visited && figures.passVisited > 0)
        #expect(abs(figures.longestPauseSeconds - progress.longestPause) < 1e-6 && figures.longestPauseSeconds > 0)
    }

    @Test("the segment is readable by its owner only")
    func ownerOnly() throws {
        try StatisticsPublisher.start()
        let attributes = try FileManager.default.attributesOfItem(atPath: "/dev/shm/reclaim.\(getpid())")
        let permissions = try #require(attributes[.posixPermissions] as? Int)
        #expect(permissions == 0o600)
    }
}
