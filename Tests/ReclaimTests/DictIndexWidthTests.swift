@testable import Reclaim
import Testing

/// A dict's index slots are 1, 2 or 4 bytes wide by table size, as
/// CPython's: every width holds its entry numbers and marks, across
/// growth, removals and reinsertion.
@Suite("dict index widths")
struct DictIndexWidthTests {
    @Test("slot widths follow the table size", arguments: [(8, 1), (128, 1), (256, 2), (1 << 15, 2), (1 << 16, 4)])
    func widths(capacity: Int, width: Int) {
        #expect(PayloadLayout.Dict.indexSize(capacity: capacity) == width)
        // Entry numbers stay below 2/3 of the slots, within the width's range.
        #expect(capacity * 2 / 3 < 1 << (8 * width - 1))
    }

    @Test("a small dict's storage is 128 bytes: 8 one-byte slots and 5 entries")
    func smallStorage() throws {
        let heap = try Heap()
        let dict = try heap.dict()
        try dict.setValue(heap.int(1), forKey: heap.str("id"))
        #expect(dict.raw.dictLayout.indexCapacity == 8)
        #expect(dict.raw.dictLayout.storageByteCount == 128)
    }

    /// Fills a dict with `count` int keys, removes every third, puts half
    /// of those back, and checks every key's value and the order.
    @Test("keys survive growth through each width, removals and reinsertion", arguments: [100, 5_000, 30_000])
    func growthAndRemoval(count: Int) throws {
        let heap = try Heap()
        let dict = try heap.dict()
        for key in 0..<count { try dict.setValue(heap.int(key * 10), forKey: heap.int(key)) }
        let width = PayloadLayout.Dict.indexSize(capacity: dict.raw.dictLayout.indexCapacity)
        #expect(width == (count < 86 ? 1 : count < 21_846 ? 2 : 4))
        for key in stride(from: 0, to: count, by: 3) {
            #expect(try dict.removeValue(forKey: heap.int(key))?.intValue() == key * 10)
        }
        for key in stride(from: 0, to: count, by: 6) { try dict.setValue(heap.int(-key), forKey: heap.int(key)) }
        var expected = 0
        for key in 0..<count {
            let value = try dict.value(forKey: heap.int(key))?.intValue()
            if key % 3 != 0 {
                #expect(value == key * 10)
                expected += 1
            } else if key % 6 == 0 {
                #expect(value == -key)
                expected += 1
            } else {
                #expect(value == nil)
            }
        }
        #expect(try dict.length() == expected)
        // Insertion order: the kept keys in order, then the ones put back.
        var order: [Int] = []
        try dict.forEachEntry { key, _ in order.append(try key.intValue()) }
        #expect(order == (0..<count).filter { $0 % 3 != 0 } + stride(from: 0, to: count, by: 6).map { $0 })
    }
}
