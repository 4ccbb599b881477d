// MARK: - Terminal rendering

extension QRMatrix {
    /// Renders the symbol as text for a terminal, two module rows per line, using the Unicode
    /// half blocks `▀` (U+2580), `▄` (U+2584), `█` (U+2588) and space.
    ///
    /// A glyph's ink takes the terminal's text colour, and the blank part shows its background.
    /// Scanners need dark modules on a light field, so by default the ink draws the *light* modules
    /// (and the quiet zone): right for the common light-text-on-dark-background terminal. For a
    /// terminal with dark text on a light background pass `invert: true`, and the ink draws the dark
    /// modules instead.
    ///
    /// - Parameters:
    ///   - quietZone: Light margin in modules on every side; ISO/IEC 18004:2015 §6.3.8 asks for 4,
    ///     though phones usually cope with 2 on a screen.
    ///   - invert: Ink the dark modules (for dark-on-light terminals) rather than the light ones.
    /// - Returns: Lines separated by `"\n"`, without a trailing newline. When the total height is
    ///   odd, the last line inks only its upper half.
    public func terminalString(quietZone: Int = 4, invert: Bool = false) -> String {
        precondition(quietZone >= 0, "the quiet zone cannot be negative")
        let side = size + 2 * quietZone
        // Whether the glyph inks the module at (x, y) of the padded grid; rows beyond the bottom
        // (only ever the half row of an odd height) are never inked.
        func inked(_ x: Int, _ y: Int) -> Bool {
            guard y < side else { return false }
            let mx = x - quietZone
            let my = y - quietZone
            let dark = mx >= 0 && mx < size && my >= 0 && my < size && isDark(index: my * size + mx)
            return dark == invert
        }
        var lines: [String] = []
        lines.reserveCapacity((side + 1) / 2)
        for top in stride(from: 0, to: side, by: 2) {
            var line = ""
            line.unicodeScalars.reserveCapacity(side)
            for x in 0..<side {
                switch (inked(x, top), inked(x, top + 1)) {
                case (true, true): line.unicodeScalars.append("\u{2588}")  // █ full block
                case (true, false): line.unicodeScalars.append("\u{2580}")  // ▀ upper half block
                case (false, true): line.unicodeScalars.append("\u{2584}")  // ▄ lower half block
                case (false, false): line.unicodeScalars.append(" ")
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
