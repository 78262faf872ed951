import OCOPDomain

/// A horizontal bar chart as inline SVG, drawn on the server: no script, it prints, and a screen
/// reader gets its title (the same numbers are in the table under each chart). Bars may be
/// stacked: each segment is drawn with its class (`.seg-0`, `.seg-1`, … in the stylesheet).
struct SVGBarChart {
    struct Bar {
        let label: String
        let segments: [Int]
        var total: Int { segments.reduce(0) { $0 + max(0, $1) } }
    }

    let title: String
    let bars: [Bar]
    /// What is written after each bar: its total, formatted.
    let valueText: (Int) -> String

    private static let width = 640.0, labelWidth = 200.0, valueWidth = 110.0, rowHeight = 26.0, barHeight = 18.0

    var svg: String {
        let height = max(1, Double(bars.count)) * Self.rowHeight + 8
        let plot = Self.width - Self.labelWidth - Self.valueWidth
        let largest = Double(bars.map(\.total).max() ?? 0)
        var out = HTMLWriter(reservingCapacity: 400 + bars.count * 300)
        out.markup("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 ")
        out.number(Int(height.rounded(.up)))
        out.markup("\" role=\"img\"><title>")
        out.text(title)
        out.markup("</title>")
        for (index, bar) in bars.enumerated() {
            let top = Double(index) * Self.rowHeight + 4
            out.markup("<text class=\"label\" x=\"")
            out.markup("194\" y=\"")
            out.text(Self.format(top + Self.barHeight - 4))
            out.markup("\" text-anchor=\"end\">")
            out.text(bar.label.count > 28 ? String(bar.label.prefix(27)) + "…" : bar.label)
            out.markup("</text>")
            var x = Self.labelWidth
            for (segment, value) in bar.segments.enumerated() where value > 0 && largest > 0 {
                // At least a pixel: a non-zero count never disappears from its chart.
                let length = max(1, Double(value) / largest * plot)
                out.markup("<rect class=\"seg-")
                out.number(segment)
                out.markup("\" x=\"")
                out.text(Self.format(x))
                out.markup("\" y=\"")
                out.text(Self.format(top))
                out.markup("\" width=\"")
                out.text(Self.format(length))
                out.markup("\" height=\"18\"><title>")
                out.text(bar.label + ": " + String(value))
                out.markup("</title></rect>")
                x += length
            }
            out.markup("<text class=\"value\" x=\"")
            out.text(Self.format(x + 6))
            out.markup("\" y=\"")
            out.text(Self.format(top + Self.barHeight - 4))
            out.markup("\">")
            out.text(valueText(bar.total))
            out.markup("</text>")
        }
        out.markup("</svg>")
        return out.html
    }

    /// One decimal is enough at this size.
    private static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(abs(tenths % 10))"
    }
}
