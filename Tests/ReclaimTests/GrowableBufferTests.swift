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
}
