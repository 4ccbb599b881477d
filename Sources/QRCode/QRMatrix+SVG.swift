// MARK: - SVG rendering

extension QRMatrix {
    /// Renders the symbol as a scalable SVG document: one `<rect>` for the light background and a
    /// single `<path>` for all dark modules, one unit per module, `shape-rendering="crispEdges"` so
    /// that module edges are not anti-aliased into grey seams.
    ///
    /// The document has a `viewBox` but no fixed `width`/`height`, so it fills whatever box it is
    /// placed in; keep that box square.
    ///
    /// - Parameters:
    ///   - quietZone: Light margin in modules on every side; ISO/IEC 18004:2015 §6.3.8 requires 4.
    ///   - darkColor: Fill of dark modules, any SVG paint value.
    ///   - lightColor: Fill of the background and quiet zone, or `nil` for a transparent background.
    public func svg(quietZone: Int = 4, darkColor: String = "#000000", lightColor: String? = "#ffffff") -> String {
        precondition(quietZone >= 0, "the quiet zone cannot be negative")
        let side = size + 2 * quietZone
        var svg = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        svg +=
            #"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 \#(side) \#(side)" shape-rendering="crispEdges">"#
        svg += "\n"
        if let lightColor {
            svg += #"<rect width="\#(side)" height="\#(side)" fill="\#(Self.xmlAttribute(lightColor))"/>"# + "\n"
        }
        svg += #"<path fill="\#(Self.xmlAttribute(darkColor))" d=""#
        // One closed rectangle per horizontal run of dark modules: move, right n, down 1, left n.
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(index: y * size + x) else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < size && isDark(index: y * size + x + run) { run += 1 }
                svg += "M\(x + quietZone) \(y + quietZone)h\(run)v1h-\(run)z"
                x += run
            }
        }
        svg += "\"/>\n</svg>\n"
        return svg
    }

    /// Escapes a string for use inside a double-quoted XML attribute.
    static func xmlAttribute(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
