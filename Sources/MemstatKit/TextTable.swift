/// A table of left- or right-aligned columns for terminal reports.
public struct TextTable {
    public enum Alignment { case left, right }

    public struct Column {
        public var title: String
        public var alignment: Alignment
        public init(_ title: String, _ alignment: Alignment = .right) {
            self.title = title
            self.alignment = alignment
        }
    }

    public var columns: [Column]
    public var rows: [[String]] = []
    /// Spaces at the start of each line.
    public var indent = 2
    /// Whether the first line holds the column titles.
    public var showsHeader = true

    public init(_ columns: [Column], showsHeader: Bool = true) {
        self.columns = columns
        self.showsHeader = showsHeader
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    /// The table as lines, columns separated by two spaces.
    public func render() -> String {
        var widths = columns.map { showsHeader ? $0.title.count : 0 }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, column) in columns.enumerated() {
                let cell = index < cells.count ? cells[index] : ""
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                parts.append(column.alignment == .left ? cell + pad : pad + cell)
            }
            var text = String(repeating: " ", count: indent) + parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        return ((showsHeader ? [line(columns.map(\.title))] : []) + rows.map(line)).joined(separator: "\n")
    }
}
