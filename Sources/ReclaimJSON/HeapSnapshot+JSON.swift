import Foundation
import Reclaim

extension HeapSnapshot {
    /// Reads a snapshot written as JSON; the schema must be this version's.
    ///
    /// - Throws: `DecodingError` when `data` is not a snapshot's JSON, or
    ///   names another schema than ``HeapSnapshot/schemaName``.
    public static func decode(from data: Data) throws -> HeapSnapshot {
        let snapshot = try JSONDecoder().decode(HeapSnapshot.self, from: data)
        guard snapshot.schema == schemaName else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [], debugDescription: "schema is \(snapshot.schema), not \(schemaName)"))
        }
        return snapshot
    }

    /// The snapshot as pretty-printed JSON with sorted keys.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
