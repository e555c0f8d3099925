@testable import Reclaim
import Testing

@Suite("growable buffer")
struct GrowableBufferTests {
    @Test("reserving a little more each time grows geometrically, so the copies stay linear")
    func reserveGrowsGeometrically() {
        var buffer = GrowableBuffer<Int>()
        var growths = 0
        var capacity = buffer.capacity
        for count in 0..<100_000 {
            buffer.reserveCapacity(buffer.count + 7)   // what promotion does with each batch of survivors
            if buffer.capacity != capacity {
                growths += 1
                #expect(buffer.capacity >= 2 * capacity)
                capacity = buffer.capacity
            }
            buffer.append(count)
        }
        #expect(growths <= 20)
        #expect(buffer[99_999] == 99_999 && buffer.count == 100_000)
    }

    @Test("a reservation larger than double is granted exactly")
    func largeReservation() {
        var buffer = GrowableBuffer<Int>()
        buffer.append(1)
        buffer.reserveCapacity(1000)
        #expect(buffer.capacity == 1000)
        #expect(buffer[0] == 1)
    }

    @Test("a buffer past a megabyte grows by moving its pages, and keeps every element")
    func mappedGrowth() {
        var buffer = GrowableBuffer<Int>()
        let count = 3 * GrowableBuffer<Int>.mappingThreshold / MemoryLayout<Int>.stride   // 3 MiB: two remaps at least
        for value in 0..<count { buffer.append(value &* 7) }
        #expect(buffer.count == count && buffer.capacity >= count)
        var intact = true
        for index in stride(from: 0, to: count, by: 1) where buffer[index] != index &* 7 { intact = false }
        #expect(intact)
    }
}
