// MARK: - DEFLATE and zlib compression (RFC 1951, RFC 1950)

/// A small DEFLATE compressor: greedy LZ77 matching over a 32 KiB window with hash chains, coded
/// with the fixed Huffman codes (RFC 1951 §3.2.6), falling back to stored blocks (§3.2.4) when that
/// would be smaller. Rendered QR codes are long runs and repeated rows, which this handles well.
/// A namespace.
enum Deflate {
    /// Largest back-reference distance (RFC 1951 §3.2.5).
    static let windowSize = 32768
    /// Shortest and longest match lengths (RFC 1951 §3.2.5).
    static let minimumMatch = 3
    static let maximumMatch = 258
    /// Candidates examined per position: bounds the worst case on repetitive input.
    static let maximumChain = 64
    /// Bits of the 3-byte hash.
    static let hashBits = 15
    /// Largest stored block (RFC 1951 §3.2.4: LEN is 16 bits).
    static let maximumStoredBlock = 65535

    /// A complete raw DEFLATE stream for `input`.
    static func compress(_ input: [UInt8]) -> [UInt8] {
        let fixed = fixedHuffmanBlock(input)
        // Stored blocks cost 5 header bytes per 65535 input bytes (at least one block).
        let storedSize = input.count + 5 * max(1, (input.count + maximumStoredBlock - 1) / maximumStoredBlock)
        return fixed.count < storedSize ? fixed : storedBlocks(input)
    }

    /// A zlib stream (RFC 1950): header, DEFLATE data, Adler-32 of the input (big-endian).
    static func zlibCompress(_ input: [UInt8]) -> [UInt8] {
        // CMF 0x78: method 8 (deflate), window 2^(7+8) = 32 KiB. FLG 0x01: no dictionary, level 0
        // ("fastest"), FCHECK chosen so that 0x7801 is a multiple of 31 (RFC 1950 §2.2).
        var output: [UInt8] = [0x78, 0x01]
        output += compress(input)
        let adler = Adler32.checksum(input)
        output += [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
        return output
    }

    // MARK: Stored blocks

    /// Uncompressed blocks: header bits BFINAL and BTYPE = 00 padded to a byte, then LEN and its
    /// one's complement NLEN (little-endian), then the bytes (RFC 1951 §3.2.4).
    static func storedBlocks(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 5 * (input.count / maximumStoredBlock + 1))
        var offset = 0
        repeat {
            let length = min(maximumStoredBlock, input.count - offset)
            let isFinal = offset + length == input.count
            output.append(isFinal ? 1 : 0)
            output += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8 & 0xFF)]
            output += input[offset..<offset + length]
            offset += length
        } while offset < input.count
        return output
    }

    // MARK: Fixed-Huffman block

    /// One final block with BTYPE = 01 (fixed Huffman codes).
    static func fixedHuffmanBlock(_ input: [UInt8]) -> [UInt8] {
        var writer = BitWriter(capacity: input.count / 4 + 16)
        writer.write(0b1, count: 1)  // BFINAL
        writer.write(0b01, count: 2)  // BTYPE = fixed Huffman
        let count = input.count
        let hashSize = 1 << hashBits
        var head = [Int32](repeating: -1, count: hashSize)
        var previous = [Int32](repeating: -1, count: windowSize)

        input.withUnsafeBufferPointer { data in
            @inline(__always) func hash(_ position: Int) -> Int {
                (Int(data[position]) << 10 ^ Int(data[position + 1]) << 5 ^ Int(data[position + 2])) & (hashSize - 1)
            }
            @inline(__always) func insert(_ position: Int) {
                let h = hash(position)
                previous[position & (windowSize - 1)] = head[h]
                head[h] = Int32(position)
            }

            var position = 0
            while position < count {
                var bestLength = 0
                var bestDistance = 0
                if position + minimumMatch <= count {
                    let limit = min(maximumMatch, count - position)
                    var candidate = Int(head[hash(position)])
                    var chain = maximumChain
                    while candidate >= 0 && position - candidate <= windowSize && chain > 0 {
                        var length = 0
                        while length < limit && data[candidate + length] == data[position + length] { length += 1 }
                        if length > bestLength {
                            bestLength = length
                            bestDistance = position - candidate
                            if length == limit { break }
                        }
                        let next = Int(previous[candidate & (windowSize - 1)])
                        // Chains only ever point backwards; a stale slot from an older window does not.
                        if next >= candidate { break }
                        candidate = next
                        chain -= 1
                    }
                    insert(position)
                }
                if bestLength >= minimumMatch {
                    writer.writeLength(bestLength)
                    writer.writeDistance(bestDistance)
                    for skipped in position + 1..<position + bestLength where skipped + minimumMatch <= count {
                        insert(skipped)
                    }
                    position += bestLength
                } else {
                    writer.writeLiteral(Int(data[position]))
                    position += 1
                }
            }
        }
        writer.writeLiteral(256)  // end of block
        return writer.finish()
    }
}

// MARK: - Bit writer with the fixed Huffman code

/// Packs bits least-significant first, as DEFLATE requires (RFC 1951 §3.1.1); Huffman codes are
/// stored pre-reversed so that they come out most-significant bit first.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var bufferedBits = 0

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    @inline(__always)
    mutating func write(_ value: UInt32, count: Int) {
        buffer |= UInt64(value) << UInt64(bufferedBits)
        bufferedBits += count
        while bufferedBits >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            bufferedBits -= 8
        }
    }

    /// Flushes the partial last byte, padded with zero bits.
    mutating func finish() -> [UInt8] {
        if bufferedBits > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
        buffer = 0
        bufferedBits = 0
        return bytes
    }

    /// A literal byte (0–255) or the end-of-block symbol (256) with the fixed code.
    @inline(__always)
    mutating func writeLiteral(_ symbol: Int) {
        write(UInt32(FixedHuffman.literalCodes[symbol]), count: Int(FixedHuffman.literalLengths[symbol]))
    }

    /// A match length 3–258: length symbol 257–285 then its extra bits (RFC 1951 §3.2.5).
    mutating func writeLength(_ length: Int) {
        let index = Int(FixedHuffman.lengthIndex[length])
        writeLiteral(257 + index)
        let extra = Int(FixedHuffman.lengthExtraBits[index])
        if extra > 0 { write(UInt32(length - Int(FixedHuffman.lengthBase[index])), count: extra) }
    }

    /// A distance 1–32768: 5-bit distance symbol then its extra bits (RFC 1951 §3.2.5, §3.2.6).
    mutating func writeDistance(_ distance: Int) {
        // The largest base not above the distance.
        var index = FixedHuffman.distanceBase.count - 1
        while Int(FixedHuffman.distanceBase[index]) > distance { index -= 1 }
        write(UInt32(FixedHuffman.reversed(index, bits: 5)), count: 5)
        let extra = Int(FixedHuffman.distanceExtraBits[index])
        if extra > 0 { write(UInt32(distance - Int(FixedHuffman.distanceBase[index])), count: extra) }
    }
}

/// Tables of RFC 1951 §3.2.5 and §3.2.6. A namespace.
enum FixedHuffman {
    /// Base match length of length symbols 257–285 (§3.2.5).
    static let lengthBase: [UInt16] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
        35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    /// Extra bits of length symbols 257–285 (§3.2.5).
    static let lengthExtraBits: [UInt8] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
        3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    /// Base distance of distance symbols 0–29 (§3.2.5).
    static let distanceBase: [UInt16] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
        257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ]
    /// Extra bits of distance symbols 0–29 (§3.2.5).
    static let distanceExtraBits: [UInt8] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
        7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    /// For each match length 0–258, the index of its length symbol (symbol − 257).
    static let lengthIndex: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 259)
        for length in 3...258 {
            var index = lengthBase.count - 1
            while Int(lengthBase[index]) > length { index -= 1 }
            table[length] = UInt8(index)
        }
        return table
    }()

    /// Code lengths of literal/length symbols 0–287 in the fixed code (§3.2.6):
    /// 0–143 → 8 bits, 144–255 → 9, 256–279 → 7, 280–287 → 8.
    static let literalLengths: [UInt8] = (0..<288).map { symbol in
        switch symbol {
        case 0...143: 8
        case 144...255: 9
        case 256...279: 7
        default: 8
        }
    }

    /// Fixed codes of literal/length symbols, bit-reversed for the LSB-first writer (§3.2.6):
    /// 0–143 from 00110000, 144–255 from 110010000, 256–279 from 0000000, 280–287 from 11000000.
    static let literalCodes: [UInt16] = (0..<288).map { symbol in
        let code: Int
        switch symbol {
        case 0...143: code = 0b0011_0000 + symbol
        case 144...255: code = 0b1_1001_0000 + symbol - 144
        case 256...279: code = symbol - 256
        default: code = 0b1100_0000 + symbol - 280
        }
        return UInt16(reversed(code, bits: Int(literalLengths[symbol])))
    }

    /// The low `bits` bits of `value` in reverse order.
    static func reversed(_ value: Int, bits: Int) -> Int {
        var result = 0
        for bit in 0..<bits where value >> bit & 1 == 1 { result |= 1 << (bits - 1 - bit) }
        return result
    }
}
