import Foundation
import MemstatKit

/// The `memstat diff` fuzzer: the input is one document, or two separated
/// by a NUL byte (which JSON text cannot hold). Each is decoded; a document
/// refused must be refused with a message; two that decode are compared
/// both ways (each with itself when there is one) and the comparison
/// rendered as text and JSON, none of which may trap.
enum DiffFuzzTarget {
    static func check(_ input: [UInt8]) throws(FuzzTarget.Finding) {
        let parts = input.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        var documents: [ComparableDocument] = []
        for part in parts {
            do {
                documents.append(try ComparableDocument.decode(Data(part)))
            } catch {
                guard !error.description.isEmpty else {
                    throw FuzzTarget.Finding(target: .diff, message: "a document was refused without a reason")
                }
            }
        }
        guard let first = documents.first else { return }
        let second = documents.count > 1 ? documents[1] : first
        for (older, newer) in [(first, second), (second, first)] {
            guard let diff = try? Report.diff(older, newer, files: ["older.json", "newer.json"],
                                              allocator: Report.Allocator(version: "fuzz", page: 4096, quantum: 16))
            else { continue }
            guard !TextRenderer.render(diff).isEmpty else {
                throw FuzzTarget.Finding(target: .diff, message: "a comparison rendered as no text")
            }
            do {
                _ = try JSONEncoder().encode(diff)
            } catch {
                throw FuzzTarget.Finding(target: .diff, message: "a comparison cannot be encoded as JSON: \(error)")
            }
        }
    }
}
