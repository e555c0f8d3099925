import Foundation
import Jemalloc
import Reclaim

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
