import OCOPDomain
import OCOPStorage

/// The console's tables that grow with a point's stock, written straight to HTML and put into
/// their templates whole (`{{{…}}}`): the stock on a point's home, the rows of a stock sheet, and
/// the rows a count carries to its confirmation. Through Mustache each lookup inside a row is a
/// chain of dynamic casts; at 500 SKUs those pages took 30–45 ms to render, and this takes well
/// under one (docs/decisions.md, "Console tables written directly"). The markup is the templates'.
struct HTMLWriter {
    /// Bytes, not a String: appending a literal to a String allocates one per call.
    private var bytes: [UInt8] = []

    init(reservingCapacity count: Int) { bytes.reserveCapacity(count) }

    var html: String { String(decoding: bytes, as: UTF8.self) }

    /// Markup: a literal of this file, never a value.
    mutating func markup(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A value, escaped for text and for a quoted attribute alike.
    mutating func text(_ value: String) { HTMLEscaping.append(escaping: value, to: &bytes) }

    mutating func number(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }
}

enum ConsoleTables {
    /// One row per SKU on a point's home: name, SKU, its batches with best-before, then on hand,
    /// held, free, in transit out and in.
    static func stock(_ rows: [PointOverview.Row], language: Language) -> String {
        let batch = ConsoleWords.word("batch", language), bestBefore = ConsoleWords.word("best_before", language)
        var out = HTMLWriter(reservingCapacity: rows.count * 320)
        for row in rows {
            out.markup("<tr><td><b>")
            out.text(row.name)
            out.markup("</b><br><span class=\"meta\">")
            out.text(row.sku)
            out.markup("</span>")
            for level in row.batches {
                out.markup("<br><span class=\"meta\">")
                out.text(batch)
                out.markup(" ")
                out.text(level.batch)
                out.markup(": ")
                out.number(level.quantity)
                out.markup(" · ")
                out.text(bestBefore)
                out.markup(" ")
                out.text(level.bestBefore.map { ShowroomFormat.date($0, language) } ?? "—")
                out.markup("</span>")
            }
            out.markup("</td>")
            for value in [row.onHand, row.held, row.free, row.outgoing, row.incoming] {
                out.markup("<td class=\"num\">")
                out.number(value)
                out.markup("</td>")
            }
            out.markup("</tr>")
        }
        return out.html
    }

    /// The rows of a stock sheet. A delivery's rows are typed from blank (SKU or barcode, batch,
    /// best-before, quantity); the other sheets list the batches on hand, each with its SKU, batch
    /// and the level drawn as hidden fields, and a quantity to type (prefilled on a count).
    static func sheetRows(_ sheet: StockSheet, isDelivery: Bool, isCount: Bool, names: SKUDirectory, language: Language) -> String {
        let word = { (key: String) in ConsoleWords.word(key, language) }
        let sku = word("sku"), batch = word("batch"), bestBefore = word("best_before"), quantity = word("quantity")
        let onHand = word("on_hand"), typed = isCount ? word("counted") : quantity
        var out = HTMLWriter(reservingCapacity: sheet.rows.count * 700)
        for (index, row) in sheet.rows.enumerated() {
            let name = names.name(row.sku)
            out.markup("<tr>")
            if isDelivery {
                out.markup("<td data-label=\"")
                out.text(sku)
                out.markup("\"><input name=\"sku\" value=\"")
                out.text(row.sku)
                out.markup("\" autocomplete=\"off\" aria-label=\"")
                out.text(sku)
                out.markup(" ")
                out.number(index)
                out.markup("\"></td><td data-label=\"")
                out.text(batch)
                out.markup("\"><input name=\"batch\" value=\"")
                out.text(row.batch)
                out.markup("\" autocomplete=\"off\" maxlength=\"40\" aria-label=\"")
                out.text(batch)
                out.markup(" ")
                out.number(index)
                out.markup("\"></td><td data-label=\"")
                out.text(bestBefore)
                out.markup("\"><input type=\"date\" name=\"best_before\" value=\"")
                out.text(row.bestBefore)
                out.markup("\" aria-label=\"")
                out.text(bestBefore)
                out.markup(" ")
                out.number(index)
                out.markup("\"></td>")
            } else {
                out.markup("<td><b>")
                out.text(name)
                out.markup("</b><br><span class=\"meta\">")
                out.text(row.sku)
                out.markup(" · ")
                out.text(batch)
                out.markup(" ")
                out.text(row.batch)
                out.markup(" · ")
                out.text(bestBefore)
                out.markup(" ")
                out.text(CalendarDate(iso: row.bestBefore).map { ShowroomFormat.date($0, language) } ?? "—")
                out.markup("</span>")
                hiddenFields(row, into: &out)
                out.markup("</td><td class=\"num\" data-label=\"")
                out.text(onHand)
                out.markup("\">")
                out.number(row.expected)
                out.markup("</td>")
            }
            out.markup("<td data-label=\"")
            out.text(typed)
            out.markup("\"><input class=\"qty\" name=\"quantity\" value=\"")
            out.text(row.entered)
            out.markup("\" inputmode=\"numeric\" autocomplete=\"off\" aria-label=\"")
            out.text(quantity)
            out.markup(" ")
            out.text(isDelivery ? String(index) : name + " " + row.batch)
            out.markup("\"></td></tr>")
        }
        return out.html
    }

    /// Every row of a count as hidden fields, to be posted again when it is confirmed.
    static func countRows(_ sheet: StockSheet) -> String {
        var out = HTMLWriter(reservingCapacity: sheet.rows.count * 200)
        for row in sheet.rows {
            hiddenFields(row, into: &out)
            out.markup("<input type=\"hidden\" name=\"quantity\" value=\"")
            out.text(row.entered)
            out.markup("\">")
        }
        return out.html
    }

    /// A batch row's SKU, batch and the level the sheet showed when it was drawn.
    private static func hiddenFields(_ row: StockSheet.Row, into out: inout HTMLWriter) {
        out.markup("<input type=\"hidden\" name=\"sku\" value=\"")
        out.text(row.sku)
        out.markup("\"><input type=\"hidden\" name=\"batch\" value=\"")
        out.text(row.batch)
        out.markup("\"><input type=\"hidden\" name=\"expected\" value=\"")
        out.number(row.drawn ?? row.expected)
        out.markup("\">")
    }
}
