// MARK: - Automatic mode selection (ISO/IEC 18004:2015 §7.4, Annex J)

extension QRSegment {
    /// Splits `payload` into the mix of numeric, alphanumeric and byte segments with the fewest
    /// bits for symbols of the given version class (0: versions 1–9, 1: 10–26, 2: 27–40).
    ///
    /// Annex J gives rules of thumb for when switching modes pays off; this computes the exact
    /// optimum instead, by dynamic programming over the payload: for each prefix and each mode it
    /// keeps the cheapest encoding whose last segment is in that mode. Costs are in sixths of a bit
    /// so that numeric (10/3 bits per digit) and alphanumeric (11/2 bits per character) are exact;
    /// a segment's partial group is rounded up to whole bits when it is closed.
    static func optimalSegments(for payload: [UInt8], versionClass: Int) -> [QRSegment] {
        guard !payload.isEmpty else { return [] }
        let modes: [Mode] = [.numeric, .alphanumeric, .byte]  // index 0, 1, 2 below
        // Per-character costs in sixths of a bit: 10/3 · 6, 11/2 · 6, 8 · 6.
        let characterCost = [20, 33, 48]
        // Starting a segment: 4-bit mode indicator plus the count indicator (Table 3), in sixths.
        let headerCost = modes.map { (4 + $0.characterCountBits(versionClass: versionClass)) * 6 }
        let unreachable = Int.max / 4

        // `predecessor[i * 3 + m]`: the mode of character i − 1 when character i is encoded in mode m.
        var predecessor = [UInt8](repeating: 0, count: payload.count * 3)
        var start = headerCost  // cheapest cost of the open segment in each mode before the next character
        var cost = [unreachable, unreachable, unreachable]
        for (index, character) in payload.enumerated() {
            cost[0] = isNumeric(character) ? start[0] + characterCost[0] : unreachable
            cost[1] = isAlphanumeric(character) ? start[1] + characterCost[1] : unreachable
            cost[2] = start[2] + characterCost[2]  // every byte is encodable in byte mode
            guard index + 1 < payload.count else { break }
            // Before the next character, either continue each mode's segment or close the cheapest
            // other segment (rounded up to whole bits) and open a new one.
            for mode in 0..<3 {
                var best = cost[mode]
                var from = mode
                for other in 0..<3 where other != mode && cost[other] < unreachable {
                    let switched = roundedUpToBit(cost[other]) + headerCost[mode]
                    if switched < best {
                        best = switched
                        from = other
                    }
                }
                start[mode] = best
                predecessor[(index + 1) * 3 + mode] = UInt8(from)
            }
        }

        // Trace the cheapest final mode back to the first character.
        var mode = (0..<3).min { roundedUpToBit(cost[$0]) < roundedUpToBit(cost[$1]) }!
        var characterModes = [UInt8](repeating: 0, count: payload.count)
        for index in stride(from: payload.count - 1, through: 0, by: -1) {
            characterModes[index] = UInt8(mode)
            mode = Int(predecessor[index * 3 + mode])
        }

        // Group runs of equal modes into segments.
        var segments: [QRSegment] = []
        var runStart = 0
        for index in 1...payload.count where index == payload.count || characterModes[index] != characterModes[runStart]
        {
            let run = payload[runStart..<index]
            switch modes[Int(characterModes[runStart])] {
            case .numeric: segments.append(numeric(validated: run))
            case .alphanumeric: segments.append(alphanumeric(validated: run))
            case .byte: segments.append(byte(run))
            }
            runStart = index
        }
        return segments
    }

    /// A cost in sixths of a bit rounded up to a whole number of bits (still in sixths).
    @inline(__always)
    private static func roundedUpToBit(_ sixths: Int) -> Int { (sixths + 5) / 6 * 6 }
}
