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
        let copy = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { copy.deallocate() }
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
            original.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: size) }
            for _ in 0...next(4) {
                copy.storeBytes(of: UInt8(truncatingIfNeeded: next(256)), toByteOffset: next(hot), as: UInt8.self)
            }
            do {
                let figures = try PublishedStatistics(segment: copy.assumingMemoryBound(to: reclaim_published_segment.self),
                                                      pid: getpid(), now: Date().timeIntervalSince1970)
                #expect(figures.heaps.count <= 64)
                read += 1
            } catch {
                #expect(!error.description.isEmpty)
                refused += 1
            }
        }
        #expect(read > 0 && refused > 0, "\(read) read, \(refused) refused")
    }
}
