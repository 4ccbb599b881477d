// MARK: - Structured append (ISO/IEC 18004:2015 §7.4.8)

extension QRStructuredAppend {
    /// The message that a complete sequence of structured-append symbols carries.
    public struct Message: Sendable, Hashable {
        /// The symbols in sequence order, one per index.
        public let symbols: [QRDecodedSymbol]
        /// The segments of all symbols, in sequence order.
        public let segments: [QRDecodedSegment]
        /// The raw data of all symbols, concatenated in sequence order.
        public let bytes: [UInt8]
        /// The data as text (see ``QRDecodedSymbol/text``); a character split between symbols is read whole.
        public let text: String?
        /// The parity byte every symbol carries: the XOR of ``bytes``.
        public let parity: UInt8
    }

    /// Puts decoded symbols of one structured-append sequence back in order and checks that they form the whole
    /// message (§7.4.8): every symbol carries a header, all agree on the number of symbols and the parity byte, every
    /// index from 0 to total − 1 is present (a symbol scanned twice is accepted when both readings agree), and the
    /// parity byte is the XOR of all the data bytes (§7.4.8.3).
    ///
    /// - Parameter symbols: The decoded symbols, in any order.
    /// - Throws: ``QRDecodeError`` `structured_append_incomplete` when a symbol is missing, or
    ///   `structured_append_mismatch` when the symbols disagree or the parity does not match.
    public static func combine(_ symbols: [QRDecodedSymbol]) throws(QRDecodeError) -> Message {
        guard let first = symbols.first else { throw .structuredAppendIncomplete("no symbols were given") }
        guard let header = first.structuredAppend else {
            throw .structuredAppendMismatch("symbol 1 of those given has no structured-append header")
        }
        guard (1...16).contains(header.total) else {
            throw .structuredAppendMismatch("a sequence has 1 to 16 symbols, not \(header.total)")
        }
        var ordered = [QRDecodedSymbol?](repeating: nil, count: header.total)
        for (position, symbol) in symbols.enumerated() {
            guard let append = symbol.structuredAppend else {
                throw .structuredAppendMismatch(
                    "symbol \(position + 1) of those given has no structured-append header")
            }
            guard append.total == header.total, append.parity == header.parity, ordered.indices.contains(append.index)
            else {
                throw .structuredAppendMismatch(
                    "symbol \(position + 1) of those given belongs to a sequence of \(append.total) with parity "
                        + "\(append.parity), the first to one of \(header.total) with parity \(header.parity)")
            }
            if let seen = ordered[append.index] {
                guard seen.segments == symbol.segments else {
                    throw .structuredAppendMismatch("two different symbols claim index \(append.index)")
                }
            } else {
                ordered[append.index] = symbol
            }
        }
        let missing = ordered.indices.filter { ordered[$0] == nil }
        guard missing.isEmpty else {
            let names = missing.map { String($0 + 1) }.joined(separator: ", ")
            throw .structuredAppendIncomplete("symbol(s) \(names) of \(header.total) are missing")
        }
        let sequence = ordered.compactMap { $0 }
        let segments = sequence.flatMap { $0.segments }
        let bytes = segments.flatMap { $0.bytes }
        let parity = bytes.reduce(0, ^)
        guard parity == header.parity else {
            throw .structuredAppendMismatch(
                "the data's XOR is \(parity) but the symbols carry the parity byte \(header.parity)")
        }
        return Message(
            symbols: sequence, segments: segments, bytes: bytes, text: QRCharsets.text(of: segments), parity: parity)
    }
}
