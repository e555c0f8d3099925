import Foundation
import MemstatKit
import Reclaim

/// The statistics-segment fuzzer: the input is written to a file and read
/// as a saved segment (``PublishedStatistics/read(segmentFile:)``), through
/// the same size, version and field checks as a live one. A truncated,
/// oversized or corrupted segment must give figures that hold together or
/// an error naming the file; figures are rendered as `memstat attach`
/// shows them.
enum SegmentFuzzTarget {
    /// The file the inputs go through, one per process.
    static let file = NSTemporaryDirectory() + "/reclaim-fuzz-segment.\(getpid())"

    static func check(_ input: [UInt8]) throws(FuzzTarget.Finding) {
        func finding(_ message: String) -> FuzzTarget.Finding { FuzzTarget.Finding(target: .segment, message: message) }
        guard FileManager.default.createFile(atPath: file, contents: Data(input)) else {
            throw finding("cannot write \(file)")
        }
        defer { unlink(file) }
        let published: PublishedStatistics
        do {
            published = try PublishedStatistics.read(segmentFile: file)
        } catch {
            guard error.description.contains(file) else { throw finding("an error does not name the file: \(error)") }
            return
        }
        guard published.pid > 0, published.heaps.count <= 64, published.page > 0 else {
            throw finding("figures out of range: pid \(published.pid), \(published.heaps.count) heaps, page \(published.page)")
        }
        guard Set(published.heaps.map(\.heapID)).count == published.heaps.count else {
            throw finding("a heap is listed twice")
        }
        let report = Report.published(published, content: .attach(published))
        guard !TextRenderer.render(report).isEmpty else { throw finding("the figures rendered as no text") }
        do {
            _ = try JSONEncoder().encode(report)
        } catch {
            throw finding("the figures cannot be encoded as JSON: \(error)")
        }
    }
}
