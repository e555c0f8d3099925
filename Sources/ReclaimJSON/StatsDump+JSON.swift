import Foundation
import Jemalloc

extension StatsDump {
    /// Captures the report of this process and decodes it.
    ///
    /// - Throws: `DecodingError` when jemalloc's report does not decode.
    public static func capture() throws -> StatsDocument {
        try JSONDecoder().decode(StatsDocument.self, from: Data(json().utf8))
    }

    /// Decodes every report in `text`, which may hold several written one
    /// after another (as `stats_interval` and the exit report do).
    ///
    /// - Throws: `DecodingError` when a report is not jemalloc's JSON.
    public static func decodeAll(_ text: String) throws -> [StatsDocument] {
        let decoder = JSONDecoder()
        return try splitDocuments(Array(text.utf8)).map {
            try decoder.decode(StatsDocument.self, from: Data($0))
        }
    }
}
