// MARK: - DEFLATE and zlib decompression (RFC 1951, RFC 1950)

/// A DEFLATE decompressor (RFC 1951) with the zlib wrapper (RFC 1950): stored blocks (§3.2.4), fixed Huffman codes
/// (§3.2.6) and dynamic Huffman codes (§3.2.7), LZ77 back-references up to 32 KiB, the Adler-32 check of the zlib
/// trailer. A namespace.
///
/// Every read is bounds-checked and the output is capped by the caller (a PNG decoder knows exactly how many bytes
/// its image needs), so a hostile stream ends in a ``QRImageError``, never in a trap or an unbounded allocation.
enum Inflate {
    /// Decompresses a complete zlib stream (RFC 1950 §2.2): header, DEFLATE data, big-endian Adler-32 of the output.
    ///
    /// - Parameters:
    ///   - input: The zlib stream; bytes after the Adler-32 trailer are ignored.
    ///   - limit: Most bytes the output may hold; a stream that expands further is refused.
    /// - Throws: ``QRImageError`` with code `invalid_compressed_data`, `truncated` or `too_large`.
    static func zlibDecompress(_ input: [UInt8], limit: Int) throws(QRImageError) -> [UInt8] {
        guard input.count >= 2 else { throw .truncated("zlib", "the stream header") }
        let cmf = Int(input[0])
        let flg = Int(input[1])
        // RFC 1950 §2.2: CM = 8 (deflate), CINFO ≤ 7 (window ≤ 32 KiB), FCHECK makes CMF·256 + FLG a multiple of 31.
        guard cmf & 0x0F == 8, cmf >> 4 <= 7 else {
            throw .invalidCompressedData("the compression method is not deflate with a window of at most 32 KiB")
        }
        guard (cmf << 8 | flg) % 31 == 0 else { throw .invalidCompressedData("the header check bits are wrong") }
        guard flg & 0x20 == 0 else { throw .invalidCompressedData("a preset dictionary is not allowed in PNG") }
        var reader = BitReader(input, start: 2)
        let output = try inflate(&reader, limit: limit)
        let trailer = reader.byteOffsetAfterAlignment()
        guard trailer + 4 <= input.count else { throw .truncated("zlib", "the Adler-32 trailer") }
        let expected =
            UInt32(input[trailer]) << 24 | UInt32(input[trailer + 1]) << 16 | UInt32(input[trailer + 2]) << 8
            | UInt32(input[trailer + 3])
        guard Adler32.checksum(output) == expected else {
            throw .invalidCompressedData("the Adler-32 checksum of the decompressed data does not match")
        }
        return output
    }

    /// Decompresses raw DEFLATE data (RFC 1951) starting at `reader`'s position, up to and including the final block.
    static func inflate(_ reader: inout BitReader, limit: Int) throws(QRImageError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, 1 << 20))
        var isFinal = false
        while !isFinal {
            isFinal = try reader.bits(1) == 1
            switch try reader.bits(2) {
            case 0: try storedBlock(&reader, into: &output, limit: limit)
            case 1: try huffmanBlock(&reader, literals: fixedLiterals, distances: fixedDistances, &output, limit)
            case 2:
                let (literals, distances) = try dynamicTables(&reader)
                try huffmanBlock(&reader, literals: literals, distances: distances, &output, limit)
            default: throw .invalidCompressedData("a block uses the reserved block type 3")
            }
        }
        return output
    }

    // MARK: Blocks

    /// A stored block (§3.2.4): skip to a byte boundary, LEN and its one's complement NLEN, then LEN raw bytes.
    private static func storedBlock(_ reader: inout BitReader, into output: inout [UInt8], limit: Int)
        throws(QRImageError)
    {
        reader.alignToByte()
        let length = try reader.bits(16)
        let complement = try reader.bits(16)
        guard length == ~complement & 0xFFFF else {
            throw .invalidCompressedData("a stored block's length does not match its complement")
        }
        guard output.count + length <= limit else { throw .tooMuchData(limit: limit) }
        for _ in 0..<length { output.append(UInt8(truncatingIfNeeded: try reader.bits(8))) }
    }

    /// Base lengths of length codes 257...285 (§3.2.5).
    private static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    /// Extra bits of length codes 257...285 (§3.2.5).
    private static let lengthExtra: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    /// Base distances of distance codes 0...29 (§3.2.5).
    private static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    /// Extra bits of distance codes 0...29 (§3.2.5).
    private static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    /// Decodes literal/length and distance symbols until end-of-block (symbol 256), §3.2.5.
    private static func huffmanBlock(
        _ reader: inout BitReader, literals: HuffmanTable, distances: HuffmanTable, _ output: inout [UInt8],
        _ limit: Int
    ) throws(QRImageError) {
        while true {
            let symbol = try literals.decode(&reader)
            if symbol < 256 {
                guard output.count < limit else { throw .tooMuchData(limit: limit) }
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthCode = symbol - 257
            guard lengthCode < lengthBase.count else {
                throw .invalidCompressedData("the literal/length code \(symbol) is reserved")
            }
            let length = lengthBase[lengthCode] + (try reader.bits(lengthExtra[lengthCode]))
            let distanceCode = try distances.decode(&reader)
            guard distanceCode < distanceBase.count else {
                throw .invalidCompressedData("the distance code \(distanceCode) is reserved")
            }
            let distance = distanceBase[distanceCode] + (try reader.bits(distanceExtra[distanceCode]))
            guard distance <= output.count else {
                throw .invalidCompressedData("a back-reference reaches before the start of the data")
            }
            guard output.count + length <= limit else { throw .tooMuchData(limit: limit) }
            var source = output.count - distance
            for _ in 0..<length {
                output.append(output[source])
                source += 1
            }
        }
    }

    /// Order in which code-length code lengths are transmitted (§3.2.7).
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Reads a dynamic block's header (§3.2.7): HLIT, HDIST, HCLEN, the code-length code and the run-length coded
    /// code lengths of both alphabets.
    private static func dynamicTables(_ reader: inout BitReader) throws(QRImageError) -> (HuffmanTable, HuffmanTable) {
        let literalCount = try reader.bits(5) + 257
        let distanceCount = try reader.bits(5) + 1
        let codeLengthCount = try reader.bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw .invalidCompressedData("a dynamic block declares too many literal/length or distance codes")
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount {
            codeLengthLengths[codeLengthOrder[index]] = UInt8(try reader.bits(3))
        }
        let codeLengthTable = try HuffmanTable(lengths: codeLengthLengths)
        let total = literalCount + distanceCount
        var lengths: [UInt8] = []
        lengths.reserveCapacity(total)
        while lengths.count < total {
            let symbol = try codeLengthTable.decode(&reader)
            var value: UInt8 = 0
            var repeatCount: Int
            switch symbol {
            case 0...15:
                lengths.append(UInt8(symbol))
                continue
            case 16:
                guard let previous = lengths.last else {
                    throw .invalidCompressedData("a code-length repeat has no previous length")
                }
                value = previous
                repeatCount = 3 + (try reader.bits(2))
            case 17: repeatCount = 3 + (try reader.bits(3))
            default: repeatCount = 11 + (try reader.bits(7))
            }
            guard lengths.count + repeatCount <= total else {
                throw .invalidCompressedData("code-length repeats run past the declared number of codes")
            }
            lengths.append(contentsOf: repeatElement(value, count: repeatCount))
        }
        guard lengths[256] != 0 else { throw .invalidCompressedData("the end-of-block code has no length") }
        let literals = try HuffmanTable(lengths: Array(lengths[0..<literalCount]))
        let distances = try HuffmanTable(lengths: Array(lengths[literalCount...]))
        return (literals, distances)
    }

    /// The fixed literal/length code (§3.2.6): 0–143 → 8 bits, 144–255 → 9, 256–279 → 7, 280–287 → 8.
    private static let fixedLiterals: HuffmanTable = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for index in 144..<256 { lengths[index] = 9 }
        for index in 256..<280 { lengths[index] = 7 }
        // A complete code by construction: the initialiser cannot fail.
        return (try? HuffmanTable(lengths: lengths)) ?? HuffmanTable()
    }()

    /// The fixed distance code (§3.2.6): 30 (32) five-bit codes.
    private static let fixedDistances: HuffmanTable =
        (try? HuffmanTable(lengths: [UInt8](repeating: 5, count: 32))) ?? HuffmanTable()
}

// MARK: - Bit reader

/// Reads DEFLATE's bit stream: bits packed from the least significant bit of each byte (RFC 1951 §3.1.1). Reading
/// past the end yields zero bits internally, but consuming one of them throws `truncated`.
struct BitReader {
    private let bytes: [UInt8]
    /// Next byte of `bytes` to load.
    private var position: Int
    private var buffer: UInt64 = 0
    /// Bits held in `buffer`.
    private var count = 0
    /// Zero bytes loaded past the end of `bytes` (they sit above the real bits in `buffer`).
    private var padding = 0

    init(_ bytes: [UInt8], start: Int) {
        self.bytes = bytes
        self.position = min(max(start, 0), bytes.count)
    }

    private mutating func refill() {
        while count <= 56 {
            if position < bytes.count {
                buffer |= UInt64(bytes[position]) << UInt64(count)
                position += 1
            } else {
                padding += 1
            }
            count += 8
        }
    }

    /// The next `n` bits (0 ≤ n ≤ 16) without consuming them; past the end they read as zero.
    @inline(__always)
    mutating func peek(_ n: Int) -> Int {
        if count < n { refill() }
        return Int(truncatingIfNeeded: buffer & ((1 << UInt64(n)) &- 1))
    }

    /// Consumes `n` bits that were peeked.
    @inline(__always)
    mutating func drop(_ n: Int) throws(QRImageError) {
        if count < n { refill() }
        guard n <= count - 8 * padding else { throw .truncated("compressed", "the DEFLATE data") }
        buffer >>= UInt64(n)
        count -= n
    }

    /// Reads and consumes `n` bits (0 ≤ n ≤ 16), the first read in the least significant bit.
    @inline(__always)
    mutating func bits(_ n: Int) throws(QRImageError) -> Int {
        let value = peek(n)
        try drop(n)
        return value
    }

    /// Skips to the next byte boundary (§3.2.4).
    mutating func alignToByte() {
        let extra = count % 8
        buffer >>= UInt64(extra)
        count -= extra
    }

    /// Index in the input of the first byte not yet consumed, after skipping to a byte boundary.
    mutating func byteOffsetAfterAlignment() -> Int {
        alignToByte()
        return position - (count / 8 - padding)
    }
}

// MARK: - Canonical Huffman decoding table

/// A canonical Huffman code (§3.2.2) as a direct lookup table indexed by the next `maximumLength` bits (bit-reversed
/// codes, since DEFLATE sends Huffman codes most significant bit first). Over-subscribed codes are refused;
/// incomplete codes are accepted (the standard allows one-code distance trees) and their unused entries fail when hit.
struct HuffmanTable {
    /// `symbol << 4 | length` per entry, 0 where no code matches.
    private var table: [UInt16] = [0]
    private var maximumLength = 0

    init() {}

    /// A table for the code lengths of symbols 0..<lengths.count (0 = unused), each at most 15.
    init(lengths: [UInt8]) throws(QRImageError) {
        var lengthCounts = [Int](repeating: 0, count: 16)
        for length in lengths {
            guard length <= 15 else { throw .invalidCompressedData("a code length exceeds 15") }
            lengthCounts[Int(length)] += 1
        }
        lengthCounts[0] = 0
        var left = 1
        for length in 1...15 {
            left = left << 1 - lengthCounts[length]
            guard left >= 0 else { throw .invalidCompressedData("a Huffman code is over-subscribed") }
        }
        maximumLength = lengths.max().map(Int.init) ?? 0
        table = [UInt16](repeating: 0, count: 1 << maximumLength)
        var nextCode = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + lengthCounts[length - 1]) << 1
            nextCode[length] = code
        }
        for (symbol, lengthByte) in lengths.enumerated() where lengthByte != 0 {
            let length = Int(lengthByte)
            let value = nextCode[length]
            nextCode[length] += 1
            var reversed = 0
            for bit in 0..<length where value >> bit & 1 == 1 { reversed |= 1 << (length - 1 - bit) }
            let entry = UInt16(symbol << 4 | length)
            var index = reversed
            while index < table.count {
                table[index] = entry
                index += 1 << length
            }
        }
    }

    /// Decodes one symbol.
    @inline(__always)
    func decode(_ reader: inout BitReader) throws(QRImageError) -> Int {
        let entry = Int(table[reader.peek(maximumLength) & (table.count - 1)])
        let length = entry & 15
        guard length != 0 else { throw .invalidCompressedData("a Huffman code is not in the table") }
        try reader.drop(length)
        return entry >> 4
    }
}
