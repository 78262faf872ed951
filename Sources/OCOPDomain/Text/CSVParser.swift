/// A small RFC 4180 reader for the data files this module ships (quoted fields, commas inside quotes).
enum CSVParser {
    /// Parses text into rows of fields; the header row is returned like any other.
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = text.makeIterator()
        while let char = iterator.next() {
            if inQuotes {
                if char == "\"" {
                    inQuotes = false
                } else {
                    field.append(char)
                }
                continue
            }
            switch char {
            case "\"":
                if !field.isEmpty { field.append("\"") }  // a doubled quote inside a quoted field
                inQuotes = true
            case ",":
                row.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                row.append(field)
                field = ""
                if row != [""] { rows.append(row) }
                row = []
            default:
                field.append(char)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
