import CReclaimPublishing
import Foundation
@testable import Reclaim
import Testing

/// The reader of another process's statistics segment validates what it
/// reads: a segment with random bytes changed is read or refused with an
/// error, never a trap, a hang or a read out of bounds.
@Suite("corrupted statistics segments")
struct SegmentCorruptionTests {
    @Test("random damage to a real segment gives figures or a clear error, never a trap")
    func randomDamage() throws {
        try StatisticsPublisher.start()
        let heap = try Heap()
        let keep = try heap.list()
        for _ in 0..<50 { try keep.append(heap.list()) }
        heap.collector.collect()
        let live = try #require(StatisticsPublisher.segment)
        let size = MemoryLayout<reclaim_published_segment>.size
        let original = [UInt8](UnsafeRawBufferPointer(start: UnsafeRawPointer(live), count: size))
        let file = Self.scratchFile("damage")
        defer { unlink(file) }
        var state: UInt64 = 0x5EED_0F_DA_3A6E
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        // Damage lands mostly where the reader looks: the header and the
        // first slots (the rest of the 64 slots are free, and unread).
        let hot = min(size, 128 + 8 * MemoryLayout<reclaim_published_slot>.stride)
        var read = 0, refused = 0
        for _ in 0..<3_000 {
            var copy = original
            for _ in 0...next(4) { copy[next(hot)] = UInt8(truncatingIfNeeded: next(256)) }
            try Data(copy).write(to: URL(fileURLWithPath: file))
            do {
                let figures = try PublishedStatistics.read(segmentFile: file)
                #expect(figures.heaps.count <= 64 && figures.pid > 0)
                read += 1
            } catch {
                #expect(error.description.contains(file))
                refused += 1
            }
        }
        #expect(read > 0 && refused > 0, "\(read) read, \(refused) refused")
    }

    @Test("a saved segment reads back; a truncated one, or an empty or missing file, is a clear error naming it")
    func truncatedAndMissing() throws {
        try StatisticsPublisher.start()
        let heap = try Heap()
        heap.collector.collect()
        let live = try #require(StatisticsPublisher.segment)
        let size = MemoryLayout<reclaim_published_segment>.size
        let original = [UInt8](UnsafeRawBufferPointer(start: UnsafeRawPointer(live), count: size))
        let file = Self.scratchFile("saved")
        defer { unlink(file) }
        try Data(original).write(to: URL(fileURLWithPath: file))
        let figures = try PublishedStatistics.read(segmentFile: file)
        #expect(figures.pid == getpid())
        #expect(figures.heaps.contains { $0.heapID == Int(heap.identity.id) })
        // Longer than a segment: the rest is not read.
        try Data(original + [UInt8](repeating: 0xFF, count: 4096)).write(to: URL(fileURLWithPath: file))
        #expect(try PublishedStatistics.read(segmentFile: file).pid == getpid())
        for length in [0, 8, size / 2, size - 1] {
            try Data(original.prefix(length)).write(to: URL(fileURLWithPath: file))
            #expect(throws: PublishedStatisticsError.incompatible(segment: file)) {
                try PublishedStatistics.read(segmentFile: file)
            }
        }
        unlink(file)
        #expect(throws: PublishedStatisticsError.unreadable(segment: file, errno: ENOENT)) {
            try PublishedStatistics.read(segmentFile: file)
        }
    }

    /// A file of this process in the temporary directory.
    static func scratchFile(_ name: String) -> String {
        NSTemporaryDirectory() + "/reclaim-segment-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }
}
