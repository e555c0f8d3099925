import Foundation
import Jemalloc
import MemstatKit
import Reclaim
import ReclaimJSON
import Testing

/// `memstat diff` reads files people hand it: a damaged document is refused
/// with an error, or read and compared without a trap, however its numbers
/// were changed.
@Suite("damaged diff inputs")
struct DiffInputDamageTests {
    /// A deterministic stream of choices.
    struct Choices {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(max(1, bound)))
        }
    }

    /// `text` with one damage: a byte changed, a span cut, or a number
    /// replaced by an extreme one.
    static func damaged(_ text: [UInt8], _ choices: inout Choices) -> [UInt8] {
        var bytes = text
        switch choices.next(4) {
        case 0:
            bytes[choices.next(bytes.count)] = UInt8(truncatingIfNeeded: choices.next(256))
        case 1:
            let start = choices.next(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + choices.next(40)))
        case 2:
            bytes.removeSubrange(choices.next(bytes.count)...)   // truncated
        default:
            // Replace a run of digits by an extreme number.
            let digits = bytes.indices.filter { (48...57).contains(bytes[$0]) }
            guard let at = digits.isEmpty ? nil : digits[choices.next(digits.count)] else { break }
            var end = at
            while end < bytes.count && (48...57).contains(bytes[end]) { end += 1 }
            let extremes = ["9223372036854775807", "-9223372036854775808", "1e308", "-1", "0", "18446744073709551615"]
            bytes.replaceSubrange(at..<end, with: Array(extremes[choices.next(extremes.count)].utf8))
        }
        return bytes
    }

    @Test("damaged heap snapshots and reports are refused or compared, never a trap")
    func damagedDocuments() throws {
        let heap = try Heap()
        let keep = try heap.list()
        for index in 0..<20 { try keep.append(heap.str("kept \(index)")) }
        let snapshot = [UInt8](try heap.introspection.snapshot(label: "fixture").encoded())
        let report = [UInt8](try JSONEncoder().encode(Report.summary(try AllocatorSnapshot.current(), source: .currentProcess())))
        var choices = Choices(state: 0xD1FF)
        var refused = 0, compared = 0
        for original in [snapshot, report] {
            let good = try ComparableDocument.decode(Data(original))
            for _ in 0..<400 {
                let bytes = Self.damaged(original, &choices)
                do {
                    let document = try ComparableDocument.decode(Data(bytes))
                    // Compared both ways with the undamaged one, and rendered.
                    for (older, newer) in [(good, document), (document, good)] {
                        if let diff = try? Report.diff(older, newer, files: ["a.json", "b.json"],
                                                       allocator: Report.Allocator.current()) {
                            #expect(!TextRenderer.render(diff).isEmpty)
                        }
                    }
                    compared += 1
                } catch {
                    #expect(!String(describing: error).isEmpty)
                    refused += 1
                }
            }
        }
        #expect(refused > 0 && compared > 0, "\(refused) refused, \(compared) compared")
    }
}
