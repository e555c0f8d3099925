import Foundation
import Jemalloc

/// The file libReclaimPreload writes for one process: each JSON report
/// preceded by a line `@<CLOCK_MONOTONIC nanoseconds>`.
public enum ReportFile {
    /// One report of the file and when it began.
    public struct Record {
        /// When the report began, in `CLOCK_MONOTONIC` nanoseconds.
        public var timestamp: Int64
        /// The decoded JSON report.
        public var document: StatsDocument
    }

    /// Decodes every complete report; a report cut short (the program died
    /// while writing it) or not jemalloc's is skipped.
    public static func parse(_ text: String) -> [Record] {
        let decoder = JSONDecoder()
        var records: [Record] = []
        for chunk in text.split(separator: "\n@") {
            let body = chunk.hasPrefix("@") ? chunk.dropFirst() : chunk[...]
            guard let newline = body.firstIndex(of: "\n"),
                  let timestamp = Int64(body[..<newline]),
                  let document = try? decoder.decode(StatsDocument.self, from: Data(body[newline...].utf8))
            else { continue }
            records.append(Record(timestamp: timestamp, document: document))
        }
        return records
    }
}
