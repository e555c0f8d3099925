/// A table of left- or right-aligned columns for terminal reports.
public struct TextTable {
    /// Which side of its column a cell keeps to.
    public enum Alignment { case left, right }

    /// A column: its title and alignment.
    public struct Column {
        /// The column's header text.
        public var title: String
        /// How the column's cells are aligned.
        public var alignment: Alignment
        /// A column titled `title`, right-aligned unless told otherwise.
        public init(_ title: String, _ alignment: Alignment = .right) {
            self.title = title
            self.alignment = alignment
        }
    }

    /// The columns, left to right.
    public var columns: [Column]
    /// The rows, one cell per column; missing cells print empty, extra ones are ignored.
    public var rows: [[String]] = []
    /// Spaces at the start of each line.
    public var indent = 2
    /// Whether the first line holds the column titles.
    public var showsHeader = true

    /// A table of `columns` with no rows yet.
    public init(_ columns: [Column], showsHeader: Bool = true) {
        self.columns = columns
        self.showsHeader = showsHeader
    }

    /// Adds a row at the bottom.
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
