import Foundation
import Jemalloc
import Reclaim

/// Two documents `memstat diff` cannot compare.
public enum ComparisonError: Error, Equatable, CustomStringConvertible {
    /// A report without a section the comparison needs.
    case missingSection(String, kind: String)
    /// A heap snapshot and an allocator report, or unknown schemas.
    case mismatchedKinds(String, String)

    /// A sentence saying what cannot be compared and what to give instead.
    public var description: String {
        switch self {
        case .missingSection(let section, let kind):
            return "a '\(kind)' report has no \(section) to compare; use the JSON of memstat summary or memstat run"
        case .mismatchedKinds(let first, let second):
            return "cannot compare a \(first) with a \(second): give two heap snapshots or two memstat reports"
        }
    }
}
