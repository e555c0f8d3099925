import Foundation
import Jemalloc
import Reclaim
import ReclaimJSON

/// One input of `memstat diff`: a heap snapshot or an allocator report.
public enum ComparableDocument {
    case heapSnapshot(HeapSnapshot)
    case report(Report)

    /// Why a file is neither.
    public struct Unrecognised: Error, CustomStringConvertible {
        /// What is wrong with the file, in a phrase.
        public var reason: String
        /// The reason, as is.
        public var description: String { reason }
    }

    /// Decodes `data` by its `schema` field.
    public static func decode(_ data: Data) throws(Unrecognised) -> ComparableDocument {
        struct Header: Decodable { var schema: String? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw Unrecognised(reason: "not a JSON object")
        }
        try checkFigures(data)
        do {
            switch header.schema {
            case HeapSnapshot.schemaName:
                return .heapSnapshot(try HeapSnapshot.decode(from: data))
            case Report.schemaName:
                return .report(try JSONDecoder().decode(Report.self, from: data))
            case let other:
                throw Unrecognised(reason: "schema is \(other.map { "'\($0)'" } ?? "missing"), expected "
                                   + "'\(HeapSnapshot.schemaName)' or '\(Report.schemaName)'")
            }
        } catch let error as Unrecognised {
            throw error
        } catch {
            throw Unrecognised(reason: "does not follow its schema (\(describe(error)))")
        }
    }

    /// The largest figure a document may hold: 2^53 (8 PiB as bytes, far
    /// beyond any real count or size, and exact as a JSON number).
    static let largestFigure = 9_007_199_254_740_992.0

    /// Every number in the document — counts, bytes, seconds, ratios — is
    /// a figure memstat or Reclaim wrote: finite, not negative, at most
    /// ``largestFigure``. A damaged file's `-1` or `1e308` is refused here,
    /// naming where it is, instead of overflowing a comparison later.
    static func checkFigures(_ data: Data) throws(Unrecognised) {
        guard let tree = try? JSONSerialization.jsonObject(with: data) else {
            throw Unrecognised(reason: "not a JSON object")
        }
        var pending: [(value: Any, path: String)] = [(tree, "")]
        while let (value, path) = pending.popLast() {
            switch value {
            case let object as [String: Any]:
                for (key, member) in object { pending.append((member, path.isEmpty ? key : path + "." + key)) }
            case let array as [Any]:
                for (index, member) in array.enumerated() { pending.append((member, "\(path)[\(index)]")) }
            case let number as NSNumber:   // true and false, 1 and 0, pass
                let figure = number.doubleValue
                guard figure.isFinite, figure >= 0, figure <= largestFigure else {
                    throw Unrecognised(reason: "its figure \(path) is \(number), not a count or size (0 to 2^53)")
                }
            default:
                continue
            }
        }
    }

    var kindName: String {
        switch self {
        case .heapSnapshot: return "heap snapshot"
        case .report: return "memstat report"
        }
    }

    /// A decoding error in a sentence: which field, what went wrong.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \(([path(context)] + [key.stringValue]).filter { !$0.isEmpty }.joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(path(context))"
        case .dataCorrupted(let context):
            return context.debugDescription
        @unknown default:
            return String(describing: error)
        }
    }
}

extension Report {
    /// `memstat diff`: the comparison of two documents of the same kind.
    public static func diff(_ older: ComparableDocument, _ newer: ComparableDocument, files: [String],
                            allocator: Allocator) throws(ComparisonError) -> Report {
        switch (older, newer) {
        case (.heapSnapshot(let before), .heapSnapshot(let after)):
            return Report(source: .files(files), allocator: allocator,
                          content: .diff(.heapSnapshots(after.compared(to: before))))
        case (.report(let before), .report(let after)):
            let comparison = try AllocatorComparison(older: before, newer: after)
            return Report(source: .files(files), allocator: after.allocator, content: .diff(.allocatorReports(comparison)))
        default:
            throw .mismatchedKinds(older.kindName, newer.kindName)
        }
    }
}
